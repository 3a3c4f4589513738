import { COLOR_MODES } from '../../core/query/colors.js';
import { OUTPUTS } from '../../core/query/format.js';
import { MAX_SPAN_DAYS } from '../../core/query/time-range.js';
import { defineCommand } from '../define-command.js';
import { logNameOption } from '../options/log-options.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, logGroupOptions } from '../options/manage-options.js';
import { logOcidOption } from '../options/pipe-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const queryOptions = {
  ...logOcidOption,
  ...logNameOption,
  ...logGroupOptions,
  ...compartmentOption,
  since: {
    type: 'string',
    arg: 'WHEN',
    defaultText: '1h',
    description: "Start: a duration back from now (15m, 1h30m, 3d), '2 hours ago', 'yesterday', 'today', '13:10', or an ISO-8601 time (seconds and zone optional)",
    details:
      "A time without a zone (13:10, 2026-03-01T10:00) is read in the display zone (--timezone, --local, else UTC); 'today' and 'yesterday' start at its midnight. " +
      "Natural language ('last monday 9:00') is read by chrono-node. Ranges over the service's 14-day cap are split into windows; " +
      `a range spans at most ${MAX_SPAN_DAYS} days, the longest retention a log can have.`,
  },
  until: { type: 'string', arg: 'WHEN', defaultText: 'now', description: 'End, in the same forms as --since' },
  grep: {
    type: 'string',
    description: "Entries containing TEXT anywhere (the query language's logContent = '*TEXT*')",
    details: "A quote or a backslash in TEXT gets a backslash before it (\\' and \\\\, as the specification writes 'world\\'!'); * stays a wildcard.",
  },
  where: { type: 'string', arg: 'EXPR', description: 'A where clause of the logging query language, used as given, e.g. "data.level = \'error\'"' },
  run: {
    type: 'string',
    arg: 'ID',
    description: 'Only the entries of one oci-log exec run (data.run = ID); last is the newest run in the log, last~1 the one before',
    details: 'Without --since, the run is read from its start (last: the newest run of the last 14 days; an ID: the time the id carries).',
  },
  stream: { type: 'string', choices: ['stdout', 'stderr'], description: 'Only oci-log exec output lines of this stream (data.stream)' },
  query: {
    type: 'string',
    arg: 'QUERY',
    description: 'A whole query, search "<compartment>/<group>/<log>" | …, instead of the above',
    details:
      'A query ending in count, summarize or select gives rows, not entries: they are printed as a table in text (a datetime column as ISO-8601), ' +
      'one object a line in jsonl and raw, one array in json; --follow follows entries only. Entries are printed oldest first when the query sorts by datetime desc (as oci-log\'s own do: --limit then gives the newest), else in the order the query gives.',
  },
  limit: { type: 'number', default: 100, min: 1, max: 1_000_000, description: "The newest N entries, paging past the service's 1000 a page" },
  output: {
    type: 'string',
    choices: OUTPUTS,
    default: 'text',
    description: 'Output format: text (time, subject, data), jsonl (one object an entry), json (one array) or raw (the data alone, for grep and jq)',
    details:
      'text unwraps plain-text entries from the {"message": ...} the service returns and names the log when more than one is read; jsonl gives time, data, id, source, type, subject and logId, ' +
      'data being the text as sent or the object for JSON entries; raw prints each entry\'s data alone, text as sent or compact JSON. Output is streamed: memory stays flat whatever --limit.',
  },
  fields: {
    type: 'string',
    arg: 'LIST',
    description: 'Only these fields, comma-separated: time, id, source, type, subject, logId, log (its name), data, data.PATH (text, jsonl, json)',
    details: 'Text prints their values separated by spaces (- for a missing one); jsonl and json keep their nesting: {"time": …, "data": {"level": …}}.',
  },
  timezone: { type: 'string', arg: 'ZONE', defaultText: 'UTC', description: 'Show times in this zone (an IANA name such as Asia/Tokyo), with its offset' },
  local: { type: 'boolean', default: false, description: "Show times in the local zone (TZ, else the system's), with its offset" },
  color: {
    type: 'string',
    choices: COLOR_MODES,
    default: 'auto',
    description: 'Colour text output: dim times, errors and stderr lines red, warnings yellow (from data.level or data.severity)',
    details: 'auto colours a terminal unless NO_COLOR is set or TERM is dumb; FORCE_COLOR colours a pipe too.',
  },
  follow: {
    type: 'boolean',
    alias: 'f',
    default: false,
    description: 'Keep printing new entries as they become searchable, like tail -f; Ctrl-C ends it, exit 0',
    details:
      'Ingestion is asynchronous, so each poll re-reads the last 5 minutes and prints each entry id once, remembering only the ids of those 5 minutes. ' +
      'SIGINT or SIGTERM ends it with exit 0, even during a request. A poll that fails after the retries (throttling, 5xx, network) is reported and ' +
      'the next one tries again; any other refusal ends the command (exit 4). When the reader of standard output goes away (| head), it ends at once ' +
      '(exit 0), even on a quiet log.',
  },
  interval: { type: 'duration', unit: 's', default: '2s', min: '200ms', max: '1h', description: 'With --follow, the time between polls' },
  ...connectionOptions,
} as const satisfies OptionTable;

export type QueryArgs = ParsedArgs<typeof queryOptions>;

export const queryCommand = defineCommand({
  command: 'query',
  describe: 'Read recent entries of a log (or a log group), oldest first',
  options: queryOptions,
  examples: [
    ['$0 query --log app/web --since 2h --grep timeout', 'entries of the last 2 hours containing "timeout"'],
    ['$0 query --log-group app --where "data.level = \'error\'" --output jsonl', 'errors across a whole group, as JSON lines'],
    ['$0 query --log app/web -f --local', 'follow a log like tail -f, times in the local zone'],
    ['$0 query --log app/cron --run last --stream stderr', 'what the newest oci-log exec run printed on stderr'],
    ['$0 query --log app/web --since yesterday --output raw | jq .msg', 'the data alone, for jq'],
  ],
  epilogue:
    'With --log-ocid alone, oci-log finds the log\'s group by listing the tenancy\'s log groups and their logs, many at a time, and caches where it found it; ' +
    'give --log GROUP/LOG, or --log-group-id with --compartment-id, to skip that. Ranges over 14 days are split into windows.',
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./query-run.js')).runQuery(argv),
});

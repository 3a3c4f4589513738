import { ServiceError, UsageError } from '../../errors.js';
import { isTransient } from '../../core/delivery-policy.js';
import { SeenIds, compareEntries } from '../../core/query/entries.js';
import type { LogEntry } from '../../core/query/entries.js';
import { OUTPUTS, formatEntries, formatEntry } from '../../core/query/format.js';
import type { Output } from '../../core/query/format.js';
import { formatRows } from '../../core/query/result-rows.js';
import type { ResultRow } from '../../core/query/result-rows.js';
import { buildSearchQuery } from '../../core/query/search-query.js';
import { parseTimeArg } from '../../core/query/time-range.js';
import { CallCancelled } from '../../oci/call-service.js';
import { searchLogs } from '../../oci/log-search.js';
import { findLog, getLogGroup } from '../../oci/log-management.js';
import { defineCommand } from '../define-command.js';
import { warn } from '../io.js';
import type { CliIo } from '../io.js';
import { notFound, resolveLogGroup } from '../log-groups.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, logGroupOptions } from '../options/manage-options.js';
import { logOcidOption, readLogOcid } from '../options/pipe-options.js';
import { openServices } from '../service-context.js';
import type { ServiceContext } from '../service-context.js';
import { startSpinner } from '../spinner.js';

/** How far back --follow re-reads: ingestion is asynchronous and can lag a minute or more. */
const FOLLOW_OVERLAP_MS = 5 * 60_000;
/** Entries one --follow poll reads at most (its window is only FOLLOW_OVERLAP_MS long). */
const FOLLOW_POLL_LIMIT = 100_000;

interface Scope {
  compartmentId: string;
  logGroupId: string | undefined;
  logId: string | undefined;
}

async function resolveScope(ctx: ServiceContext, argv: Parameters<typeof resolveLogGroup>[1] & { 'log-ocid'?: string | undefined }, io: CliIo, quiet: boolean): Promise<Scope> {
  const logId = readLogOcid(argv['log-ocid'], io.env, false);
  const group = await resolveLogGroup(ctx, argv, false);
  if (!logId && !group) throw new UsageError('which log? give --log-ocid OCID, or --log-group-id/--log-group for a whole group');
  if (group) {
    const compartmentId = group.compartmentId ?? (await getLogGroup(ctx.clients, group.id)).compartmentId;
    return { compartmentId, logGroupId: group.id, logId };
  }
  const tenancy = ctx.credentials.tenancy;
  if (!tenancy) throw new UsageError('cannot look the log up without a tenancy: give --log-group-id and --compartment-id too');
  const spinner = await startSpinner(io, 'finding the log group of the log', quiet);
  try {
    const found = await findLog(ctx.clients, logId ?? '', tenancy, (n, total) => spinner.update(`finding the log's group: ${n}/${total} log groups checked`));
    if (!found) throw notFound(`log ${logId ?? ''} not found in any log group of tenancy ${tenancy} (check the OCID, its region, and your policies)`);
    return { compartmentId: found.group.compartmentId, logGroupId: found.group.id, logId };
  } finally {
    spinner.stop();
  }
}

export const queryCommand = defineCommand({
  command: 'query',
  describe: 'Read recent entries of a log (or a log group), oldest first',
  options: {
    ...logOcidOption,
    ...logGroupOptions,
    ...compartmentOption,
    since: {
      type: 'string',
      arg: 'WHEN',
      default: '1h',
      description: 'Start: a duration back from now (30s, 15m, 2h, 1h30m, 3d, 1w) or an ISO-8601 time',
      details: "Ranges over the service's 14-day cap are split into windows.",
    },
    until: { type: 'string', arg: 'WHEN', defaultText: 'now', description: 'End, in the same forms as --since' },
    grep: {
      type: 'string',
      description: "Entries containing TEXT anywhere (the query language's logContent = '*TEXT*')",
      details: "A quote or a backslash in TEXT gets a backslash before it (\\' and \\\\, as the specification writes 'world\\'!'); * stays a wildcard.",
    },
    where: { type: 'string', arg: 'EXPR', description: 'A where clause of the logging query language, used as given, e.g. "data.level = \'error\'"' },
    run: { type: 'string', arg: 'ID', description: 'Only the entries of one oci-log exec run (data.run = ID)' },
    stream: { type: 'string', choices: ['stdout', 'stderr'], description: 'Only oci-log exec output lines of this stream (data.stream)' },
    query: {
      type: 'string',
      arg: 'QUERY',
      description: 'A whole query, search "<compartment>/<group>/<log>" | …, instead of the above',
      details:
        'A query ending in count, summarize or select gives rows, not entries: they are printed as a table in text (a datetime column as ISO-8601), ' +
        'one object a line in jsonl, one array in json; --follow follows entries only.',
    },
    limit: { type: 'number', default: 100, min: 1, max: 1_000_000, description: "The newest N entries, paging past the service's 1000 a page" },
    output: {
      type: 'string',
      choices: OUTPUTS,
      default: 'text',
      description: 'Output format: text (time, subject, data), jsonl (one object an entry) or json (one array)',
      details:
        'text unwraps plain-text entries from the {"message": ...} the service returns; jsonl gives time, data, id, source, type, subject and logId, ' +
        'data being the text as sent or the object for JSON entries.',
    },
    follow: {
      type: 'boolean',
      alias: 'f',
      default: false,
      description: 'Keep printing new entries as they become searchable, like tail -f; Ctrl-C ends it, exit 0',
      details:
        'Ingestion is asynchronous, so each poll re-reads the last 5 minutes and prints each entry id once, remembering only the ids of those 5 minutes. ' +
        'SIGINT or SIGTERM ends it with exit 0, even during a request. A poll that fails after the retries (throttling, 5xx, network) is reported and ' +
        'the next one tries again; any other refusal ends the command (exit 4). When the reader of standard output goes away, it ends (exit 0) at the ' +
        'next entry it cannot write.',
    },
    interval: { type: 'duration', unit: 's', default: '2s', min: '200ms', max: '1h', description: 'With --follow, the time between polls' },
    ...connectionOptions,
  },
  examples: [
    ['$0 query --log-ocid "$LOG" --since 2h --grep timeout', 'entries of the last 2 hours containing "timeout"'],
    ['$0 query --log-group app-logs --where "data.level = \'error\'" --output jsonl', 'errors across a whole group, as JSON lines'],
    ['$0 query --log-ocid "$LOG" -f', 'follow a log like tail -f'],
    ['$0 query --log-ocid "$LOG" --run "$RUN" --stream stderr', 'what one oci-log exec run printed on stderr'],
  ],
  epilogue:
    'With --log-ocid alone, oci-log finds the log\'s group by listing every log group in the tenancy and the logs of each (one list call per group); ' +
    'give --log-group-id or --log-group with --compartment-id to skip that. Ranges over 14 days are split into windows.',
  handler: async (argv) => {
    const { io } = argv;
    const now = io.clock.now();
    if (argv.query !== undefined && (argv.grep !== undefined || argv.where !== undefined || argv.run !== undefined || argv.stream !== undefined)) {
      throw new UsageError('--query is a whole query: use it without --grep, --where, --run and --stream');
    }
    if (argv.query !== undefined && !/\bsearch\s*"/i.test(argv.query)) throw new UsageError(`--query ${argv.query}: a query starts with search "<compartment>/…"`);
    const start = parseTimeArg('since', argv.since, now);
    const end = argv.until === undefined ? now : parseTimeArg('until', argv.until, now);
    if (start >= end) throw new UsageError(`--since ${argv.since} is not before --until ${argv.until ?? 'now'}`);
    const output: Output = argv.output;
    if (argv.follow && output === 'json') throw new UsageError('--follow prints entries as they come: use --output text or jsonl');

    const ctx = await openServices(argv, io);
    const stop = argv.follow ? stopOnSignal(io) : undefined;
    try {
      const scope = await resolveScope(ctx, argv, io, argv.quiet);
      const dataEquals: Record<string, string> = {};
      if (argv.run !== undefined) dataEquals['run'] = argv.run;
      if (argv.stream !== undefined) dataEquals['stream'] = argv.stream;
      const query = argv.query ?? buildSearchQuery({ ...scope, grep: argv.grep, where: argv.where, dataEquals });
      const spinner = await startSpinner(io, 'searching', argv.quiet);
      let entries: LogEntry[];
      const rows: ResultRow[] = [];
      try {
        entries = await searchLogs(ctx.clients, query, start, end, {
          limit: argv.limit,
          onRow: (row) => rows.push(row),
          onProgress: (n) => spinner.update(`searching: ${n} entries`),
          ...(stop ? { signal: stop.signal } : {}),
        });
      } finally {
        spinner.stop();
      }
      entries.sort(compareEntries);
      // A query gives log entries, or rows of count, summarize or select: those are printed as they came.
      io.stdout.write(rows.length > 0 && entries.length === 0 ? formatRows(rows, output) : formatEntries(entries, output));
      if (stop) await follow(ctx, query, io, output === 'json' ? 'jsonl' : output, entries, argv.interval, start, stop.signal);
    } catch (err) {
      if (!(err instanceof CallCancelled)) throw err;
    } finally {
      stop?.dispose();
      ctx.clients.close();
    }
  },
});

/** An AbortSignal raised by the first SIGINT or SIGTERM: --follow ends cleanly, exit 0. */
function stopOnSignal(io: CliIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  io.signals.on('SIGINT', abort);
  io.signals.on('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      io.signals.off('SIGINT', abort);
      io.signals.off('SIGTERM', abort);
    },
  };
}

/**
 * Polls every intervalMs, re-reading the last FOLLOW_OVERLAP_MS (ingestion is
 * asynchronous, so late entries land inside times already read), printing
 * each entry id once and forgetting ids older than the overlap window, so
 * memory stays bounded. A poll that fails after callService's retries on a
 * throttle, a 5xx or the network is reported and the next poll tries again;
 * any other refusal (400, 401, 404) ends the command. Returns when `signal`
 * fires or the reader of stdout goes away.
 */
async function follow(
  ctx: ServiceContext,
  query: string,
  io: CliIo,
  output: Exclude<Output, 'json'>,
  printed: readonly LogEntry[],
  intervalMs: number,
  since: number,
  signal: AbortSignal,
): Promise<void> {
  const seen = new SeenIds();
  for (const e of printed) seen.add(e);
  // A reader that went away (oci-log query -f | head) ends the follow too: stdout stops being writable after EPIPE.
  while (!signal.aborted && io.stdout.writable) {
    await io.clock.sleep(intervalMs, signal);
    if (signal.aborted || !io.stdout.writable) break;
    const now = io.clock.now();
    const from = Math.max(since, now - FOLLOW_OVERLAP_MS);
    let found: LogEntry[];
    try {
      found = await searchLogs(ctx.clients, query, from, now + 1000, { limit: FOLLOW_POLL_LIMIT, signal });
    } catch (err) {
      if (err instanceof ServiceError && isTransient(err.status)) {
        warn(io, `${err.message} (still following)`);
        continue;
      }
      throw err;
    }
    const fresh = found.filter((e) => seen.add(e)).sort(compareEntries);
    for (const e of fresh) io.stdout.write(formatEntry(e, output));
    seen.forgetBefore(from);
  }
}

import { UsageError } from '../../errors.js';
import { SeenIds, compareEntries, toLogEntry } from '../../core/query/entries.js';
import type { LogEntry } from '../../core/query/entries.js';
import { OUTPUTS, formatEntries, formatEntry } from '../../core/query/format.js';
import type { Output } from '../../core/query/format.js';
import { buildSearchQuery } from '../../core/query/search-query.js';
import { parseTimeArg, splitWindows } from '../../core/query/time-range.js';
import { findLog, getLogGroup } from '../../oci/log-management.js';
import { callService } from '../../oci/sdk-clients.js';
import { defineCommand } from '../define-command.js';
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
const PAGE = 1000;

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

async function search(ctx: ServiceContext, query: string, start: number, end: number, want: number, onPage?: (n: number) => void): Promise<LogEntry[]> {
  const client = await ctx.clients.search();
  const out: LogEntry[] = [];
  for (const w of splitWindows(start, end)) {
    let page: string | undefined;
    do {
      const limit = Math.min(PAGE, want - out.length);
      const r = await callService(`searching logs (${query})`, () =>
        client.searchLogs({
          searchLogsDetails: { timeStart: new Date(w.start), timeEnd: new Date(w.end), searchQuery: query, isReturnFieldInfo: false },
          limit,
          ...(page === undefined ? {} : { page }),
        }),
      );
      for (const result of r.searchResponse.results ?? []) {
        const e = toLogEntry(result);
        if (e) out.push(e);
      }
      onPage?.(out.length);
      page = r.opcNextPage;
    } while (page && out.length < want);
    if (out.length >= want) break;
  }
  return out;
}

export const queryCommand = defineCommand({
  command: 'query',
  describe: 'Read recent entries of a log (or a log group), oldest first',
  options: {
    ...logOcidOption,
    ...logGroupOptions,
    ...compartmentOption,
    since: { type: 'string', default: '1h', describe: 'Start: a duration back from now (15m, 2h, 3d, 1w) or an ISO-8601 time' },
    until: { type: 'string', describe: 'End: same forms as --since (default: now)' },
    grep: { type: 'string', describe: "Entries containing TEXT anywhere (logContent = '*TEXT*')" },
    where: { type: 'string', describe: 'A where clause of the logging query language, e.g. "data.level = \'error\'"' },
    run: { type: 'string', describe: 'Only the entries of one oci-log exec run (data.run = ID)' },
    stream: { type: 'string', choices: ['stdout', 'stderr'] as const, describe: 'Only exec output lines of this stream (data.stream)' },
    query: { type: 'string', describe: 'A whole query (search "…" | …) instead of the above' },
    limit: { type: 'number', default: 100, describe: 'The newest N entries (pages past the 1000-a-page cap)' },
    output: { type: 'string', choices: OUTPUTS, default: 'text', describe: 'text (time, subject, data), jsonl or json' },
    follow: { type: 'boolean', alias: 'f', default: false, describe: 'Keep printing new entries as they become searchable; Ctrl-C ends' },
    interval: { type: 'number', default: 2, describe: 'With --follow: seconds between polls' },
    ...connectionOptions,
  },
  examples: [
    ['$0 query --log-ocid "$LOG" --since 2h --grep timeout', 'entries of the last 2 hours containing "timeout"'],
    ['$0 query --log-group app-logs --where "data.level = \'error\'" --output jsonl', 'errors across a whole group, as JSON lines'],
    ['$0 query --log-ocid "$LOG" -f', 'follow a log like tail -f'],
    ['$0 query --log-ocid "$LOG" --run "$RUN" --stream stderr', 'what one oci-log exec run printed on stderr'],
  ],
  configure: (y) =>
    y.epilogue(
      'With --log-ocid alone, oci-log finds the log\'s group by listing every log group in the tenancy and the logs of each (one list call per group); ' +
        'give --log-group-id or --log-group with --compartment-id to skip that. Ranges over 14 days are split into windows.',
    ),
  handler: async (argv) => {
    const { io } = argv;
    const now = Date.now();
    if (argv.query !== undefined && (argv.grep !== undefined || argv.where !== undefined || argv.run !== undefined || argv.stream !== undefined)) {
      throw new UsageError('--query is a whole query: use it without --grep, --where, --run and --stream');
    }
    if (argv.query !== undefined && !/^\s*search\s/i.test(argv.query)) throw new UsageError(`--query ${argv.query}: a query starts with search "<compartment>/…"`);
    const start = parseTimeArg('since', argv.since, now);
    const end = argv.until === undefined ? now : parseTimeArg('until', argv.until, now);
    if (start >= end) throw new UsageError(`--since ${argv.since} is not before --until ${argv.until ?? 'now'}`);
    if (!Number.isInteger(argv.limit) || argv.limit < 1 || argv.limit > 1_000_000) throw new UsageError(`--limit ${argv.limit}: must be a whole number from 1 to 1000000`);
    if (!(argv.interval >= 0.2 && argv.interval <= 3600)) throw new UsageError(`--interval ${argv.interval}: must be 0.2 to 3600 seconds`);
    const output = argv.output as Output;
    if (argv.follow && output === 'json') throw new UsageError('--follow prints entries as they come: use --output text or jsonl');

    const ctx = await openServices(argv, io);
    try {
      const scope = await resolveScope(ctx, argv, io, argv.quiet);
      const dataEquals: Record<string, string> = {};
      if (argv.run !== undefined) dataEquals['run'] = argv.run;
      if (argv.stream !== undefined) dataEquals['stream'] = argv.stream;
      const query = argv.query ?? buildSearchQuery({ ...scope, grep: argv.grep, where: argv.where, dataEquals });
      const spinner = await startSpinner(io, 'searching', argv.quiet);
      let entries: LogEntry[];
      try {
        entries = await search(ctx, query, start, end, argv.limit, (n) => spinner.update(`searching: ${n} entries`));
      } finally {
        spinner.stop();
      }
      entries.sort(compareEntries);
      io.stdout.write(formatEntries(entries, output));
      if (argv.follow) await follow(ctx, query, io, output, entries, argv.interval * 1000, start);
    } finally {
      ctx.clients.close();
    }
  },
});

/** Polls for new entries, re-reading an overlap window and printing each id once, until SIGINT/SIGTERM. */
async function follow(ctx: ServiceContext, query: string, io: CliIo, output: Exclude<Output, 'json'> | Output, printed: LogEntry[], intervalMs: number, since: number): Promise<void> {
  const seen = new SeenIds();
  for (const e of printed) seen.add(e);
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  io.signals.on('SIGINT', stop);
  io.signals.on('SIGTERM', stop);
  try {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
      if (stopped) break;
      const now = Date.now();
      const from = Math.max(since, now - FOLLOW_OVERLAP_MS);
      const fresh = (await search(ctx, query, from, now + 1000, 100_000)).filter((e) => seen.add(e));
      fresh.sort(compareEntries);
      for (const e of fresh) io.stdout.write(formatEntry(e, output === 'json' ? 'jsonl' : output));
      seen.forgetBefore(from - 60_000);
    }
  } finally {
    io.signals.off('SIGINT', stop);
    io.signals.off('SIGTERM', stop);
  }
}

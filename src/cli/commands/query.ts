import { ServiceError, UsageError } from '../../errors.js';
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
    since: { type: 'string', default: '1h', describe: 'Start: a duration back from now (15m, 2h, 3d, 1w) or an ISO-8601 time' },
    until: { type: 'string', describe: 'End: same forms as --since (default: now)' },
    grep: { type: 'string', describe: "Entries containing TEXT anywhere (logContent = '*TEXT*')" },
    where: { type: 'string', describe: 'A where clause of the logging query language, e.g. "data.level = \'error\'"' },
    run: { type: 'string', describe: 'Only the entries of one oci-log exec run (data.run = ID)' },
    stream: { type: 'string', choices: ['stdout', 'stderr'] as const, describe: 'Only exec output lines of this stream (data.stream)' },
    query: { type: 'string', describe: 'A whole query (search "…" | …) instead of the above; rows of count, summarize or select print as a table (text) or objects (jsonl, json)' },
    limit: { type: 'number', default: 100, describe: 'The newest N entries (pages past the 1000-a-page cap)' },
    output: { type: 'string', choices: OUTPUTS, default: 'text', describe: 'text (time, subject, data), jsonl or json' },
    follow: { type: 'boolean', alias: 'f', default: false, describe: 'Keep printing new entries as they become searchable (each poll re-reads the last 5 minutes; each entry printed once); Ctrl-C ends, exit 0' },
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
    if (argv.query !== undefined && !/\bsearch\s*"/i.test(argv.query)) throw new UsageError(`--query ${argv.query}: a query starts with search "<compartment>/…"`);
    const start = parseTimeArg('since', argv.since, now);
    const end = argv.until === undefined ? now : parseTimeArg('until', argv.until, now);
    if (start >= end) throw new UsageError(`--since ${argv.since} is not before --until ${argv.until ?? 'now'}`);
    if (!Number.isInteger(argv.limit) || argv.limit < 1 || argv.limit > 1_000_000) throw new UsageError(`--limit ${argv.limit}: must be a whole number from 1 to 1000000`);
    if (!(argv.interval >= 0.2 && argv.interval <= 3600)) throw new UsageError(`--interval ${argv.interval}: must be 0.2 to 3600 seconds`);
    const output = argv.output as Output;
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
      if (stop) await follow(ctx, query, io, output === 'json' ? 'jsonl' : output, entries, argv.interval * 1000, start, stop.signal);
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

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
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
    await pause(intervalMs, signal);
    if (signal.aborted || !io.stdout.writable) break;
    const now = Date.now();
    const from = Math.max(since, now - FOLLOW_OVERLAP_MS);
    let found: LogEntry[];
    try {
      found = await searchLogs(ctx.clients, query, from, now + 1000, { limit: FOLLOW_POLL_LIMIT, signal });
    } catch (err) {
      if (err instanceof ServiceError && (err.status === undefined || err.status === 429 || err.status >= 500)) {
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

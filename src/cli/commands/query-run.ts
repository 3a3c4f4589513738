import { ExitCode, ServiceError, UsageError } from '../../errors.js';
import { isTransient } from '../../core/delivery-policy.js';
import { watchReaderGone } from '../../core/reader-gone.js';
import type { SignalName } from '../../core/signal-source.js';
import { wantColor } from '../../core/query/colors.js';
import { SeenIds, compareEntries } from '../../core/query/entries.js';
import type { LogEntry } from '../../core/query/entries.js';
import { NewestFirstBuffer, SameTimeSorter } from '../../core/query/entry-order.js';
import { JsonArrayWriter, entryObject, formatEntry, parseFields } from '../../core/query/format.js';
import type { FormatOptions, Output } from '../../core/query/format.js';
import { formatRows } from '../../core/query/result-rows.js';
import type { ResultRow } from '../../core/query/result-rows.js';
import { parseRunSelector, runStartTime } from '../../core/query/run-selector.js';
import { buildSearchQuery } from '../../core/query/search-query.js';
import { parseWhen } from '../../core/query/time-input.js';
import { checkTimeZone } from '../../core/query/time-zone.js';
import type { TimeZone } from '../../core/query/time-zone.js';
import { MAX_SPAN_DAYS, MAX_SPAN_MS, MAX_WINDOW_MS } from '../../core/query/time-range.js';
import { CallCancelled } from '../../oci/call-service.js';
import { searchLogs, searchPages } from '../../oci/log-search.js';
import { getLogGroup, listLogs } from '../../oci/log-management.js';
import { notFound } from '../log-groups.js';
import { warn } from '../io.js';
import type { CliIo } from '../io.js';
import { resolveLogGroup } from '../log-groups.js';
import { findLogByName, locateLogOcid, parseLogName } from '../log-target.js';
import type { ConnectionArgs } from '../options/connection-options.js';
import { readLogOcid } from '../options/pipe-options.js';
import { openServices } from '../service-context.js';
import type { ServiceContext } from '../service-context.js';
import { startSpinner } from '../spinner.js';
import type { QueryArgs } from './query.js';

/** How far back --follow re-reads: ingestion is asynchronous and can lag a minute or more. */
const FOLLOW_OVERLAP_MS = 5 * 60_000;
/** Entries one --follow poll reads at most (its window is only FOLLOW_OVERLAP_MS long). */
const FOLLOW_POLL_LIMIT = 100_000;

interface Scope {
  compartmentId: string;
  logGroupId: string | undefined;
  logId: string | undefined;
}

type ScopeArgs = Parameters<typeof resolveLogGroup>[1] & ConnectionArgs & { 'log-ocid'?: string | undefined; log?: string | undefined; debug: boolean; quiet: boolean };

/** The compartment, group and log a query reads: --log GROUP/LOG, --log-group(-id) [+ --log-ocid], or --log-ocid alone. */
async function resolveScope(ctx: ServiceContext, argv: ScopeArgs, io: CliIo): Promise<Scope> {
  if (argv.log !== undefined) {
    if (argv['log-ocid'] || argv['log-group-id'] || argv['log-group']) throw new UsageError('--log GROUP/LOG names the log already: give it without --log-ocid, --log-group-id and --log-group');
    const found = await findLogByName(ctx, io, argv, parseLogName(argv.log), { create: undefined, quiet: argv.quiet });
    return { compartmentId: found.compartmentId, logGroupId: found.logGroupId, logId: found.logId };
  }
  const logId = readLogOcid(argv['log-ocid'], io.env, false);
  const group = await resolveLogGroup(ctx, argv, false);
  if (!logId && !group) throw new UsageError('which log? give --log GROUP/LOG or --log-ocid OCID, or --log-group-id/--log-group for a whole group');
  if (group) {
    const compartmentId = group.compartmentId ?? (await getLogGroup(ctx.clients, group.id)).compartmentId;
    return { compartmentId, logGroupId: group.id, logId };
  }
  const found = await locateLogOcid(ctx, io, argv, logId ?? '', argv.quiet);
  return { compartmentId: found.compartmentId, logGroupId: found.logGroupId, logId };
}

/** oci-log query: the handler (see query.ts for its options). */
export async function runQuery(argv: QueryArgs): Promise<void> {
  const { io } = argv;
  const now = io.clock.now();
  if (argv.query !== undefined && (argv.grep !== undefined || argv.where !== undefined || argv.run !== undefined || argv.stream !== undefined)) {
    throw new UsageError('--query is a whole query: use it without --grep, --where, --run and --stream');
  }
  if (argv.query !== undefined && !/\bsearch\s*"/i.test(argv.query)) throw new UsageError(`--query ${argv.query}: a query starts with search "<compartment>/…"`);
  const output: Output = argv.output;
  if (argv.follow && output === 'json') throw new UsageError('--follow prints entries as they come: use --output text, jsonl or raw');
  const fields = argv.fields === undefined ? undefined : parseFields(argv.fields);
  if (fields && output === 'raw') throw new UsageError('--output raw prints the data alone: use --fields with text, jsonl or json');
  const zone = displayZone(argv.timezone, argv.local, io.env);
  const run = argv.run === undefined ? undefined : parseRunSelector(argv.run);
  let start = await parseWhen('since', argv.since ?? '1h', now, zone);
  const end = argv.until === undefined ? now : await parseWhen('until', argv.until, now, zone);
  if (start >= end) throw new UsageError(`--since ${argv.since ?? '1h'} is not before --until ${argv.until ?? 'now'}`);
  if (end - start > MAX_SPAN_MS) {
    // Name the end when it is what lies far off (in the future); else the start.
    const flag = argv.until !== undefined && end > now ? `--until ${argv.until}` : `--since ${argv.since ?? '1h'}`;
    throw new UsageError(
      `${flag}: the range spans ${Math.ceil((end - start) / 86_400_000)} days; a query spans at most ${MAX_SPAN_DAYS} days, the longest retention a log can have (no entry is older)`,
    );
  }
  const format: FormatOptions = { output, zone, color: output === 'text' && wantColor(argv.color, io.stdout.isTTY === true, io.env), fields };

  const ctx = await openServices(argv, io);
  const stop = stopSignal(io, argv.follow);
  try {
    const scope = await resolveScope(ctx, argv, io);
    const dataEquals: Record<string, string> = {};
    if (run !== undefined) {
      const found = 'id' in run ? { id: run.id, start: runStartTime(run.id) } : await findRun(ctx, scope, run.back, argv.since === undefined ? now - MAX_WINDOW_MS : start, end, stop.signal);
      dataEquals['run'] = found.id;
      // A run is read from its start, however long ago, unless --since says otherwise (entries older than the longest retention are gone).
      if (argv.since === undefined && found.start !== undefined && found.start - 1000 < start) start = Math.max(found.start - 1000, end - MAX_SPAN_MS);
    }
    if (argv.stream !== undefined) dataEquals['stream'] = argv.stream;
    const query = argv.query ?? buildSearchQuery({ ...scope, grep: argv.grep, where: argv.where, dataEquals });
    format.logNames = await logNamesOf(ctx, scope, argv.query);
    const out = writer(io, stop.signal);
    const printed = await printSearch(ctx, io, query, start, end, { limit: argv.limit, format, out, quiet: argv.quiet, signal: stop.signal, newestFirst: argv.query === undefined || /\bsort\s+by\s+datetime\s+desc\b/i.test(argv.query), followFrom: argv.follow ? now - FOLLOW_OVERLAP_MS : undefined });
    if (argv.follow) await follow(ctx, query, io, format, out, printed, argv.interval, start, stop.signal);
  } catch (err) {
    if (!(err instanceof CallCancelled)) throw err;
  } finally {
    stop.dispose();
    ctx.clients.close();
  }
  const interrupted = stop.interruptedBy();
  if (interrupted !== undefined) io.exitCode = interrupted === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
}


/** --timezone ZONE, --local (TZ, else the system's zone), else UTC. */
function displayZone(timezone: string | undefined, local: boolean, env: Readonly<Record<string, string | undefined>>): TimeZone {
  if (timezone !== undefined && local) throw new UsageError('give --timezone ZONE or --local, not both');
  if (timezone !== undefined) {
    const zone = checkTimeZone(timezone);
    if (zone === undefined) throw new UsageError(`--timezone ${timezone}: not a time zone; give an IANA name such as Europe/Paris, Asia/Tokyo or UTC`);
    return zone;
  }
  if (!local) return 'UTC';
  const tz = env['TZ'];
  if (tz !== undefined && tz !== '') {
    const zone = checkTimeZone(tz);
    if (zone === undefined) throw new UsageError(`--local: TZ=${tz} is not a time zone oci-log can read (give an IANA name such as Europe/Paris, or --timezone)`);
    return zone;
  }
  return checkTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
}

/** The newest exec run in scope (back = 0), or the one `back` runs before it: its id and start time. */
async function findRun(ctx: ServiceContext, scope: Scope, back: number, start: number, end: number, signal: AbortSignal): Promise<{ id: string; start: number | undefined }> {
  const query = buildSearchQuery({ ...scope, dataEquals: { event: 'start' } });
  const starts = await searchLogs(ctx.clients, query, start, end, { limit: back + 1, signal });
  const found = starts[back];
  const id = found && typeof found.data === 'object' && found.data !== null ? (found.data as { run?: unknown }).run : undefined;
  if (typeof id !== 'string') {
    const which = back === 0 ? 'no oci-log exec run' : `fewer than ${back + 1} oci-log exec runs`;
    throw notFound(`--run last${back === 0 ? '' : `~${back}`}: ${which} in ${scope.logId ?? scope.logGroupId ?? scope.compartmentId} from ${new Date(start).toISOString()} to ${new Date(end).toISOString()} (give --since for an older one)`);
  }
  return { id, start: Date.parse(found?.time ?? '') || runStartTime(id) };
}

/** Display names of the logs a query reads, when it reads more than one (a group, or a --query over several), else undefined. */
async function logNamesOf(ctx: ServiceContext, scope: Scope, query: string | undefined): Promise<Map<string, string> | undefined> {
  let groups: string[];
  if (query === undefined) {
    if (scope.logId !== undefined || scope.logGroupId === undefined) return undefined;
    groups = [scope.logGroupId];
  } else {
    const streams = [...(/^\s*search\s+((?:"[^"]*"\s*,?\s*)+)/i.exec(query)?.[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => (m[1] ?? '').split('/'));
    if (streams.length === 1 && streams[0]?.length === 3) return undefined;
    groups = [...new Set(streams.map((s) => s[1]).filter((g): g is string => g !== undefined && /^ocid1\.loggroup\./.test(g)))];
  }
  const names = new Map<string, string>();
  for (const logs of await Promise.all(groups.map((g) => listLogs(ctx.clients, g)))) for (const l of logs) names.set(l.id, l.displayName);
  return query === undefined && names.size <= 1 ? undefined : names;
}

interface Out {
  /** Resolves when written (after a drain when the reader is slow); false once the reader has gone. */
  write(text: string): Promise<boolean>;
}

function writer(io: CliIo, signal: AbortSignal): Out {
  return {
    write: async (text) => {
      if (signal.aborted || io.stdout.destroyed || !io.stdout.writable) return false;
      if (!io.stdout.write(text)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            io.stdout.off('drain', done);
            io.stdout.off('close', done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          io.stdout.once('drain', done);
          io.stdout.once('close', done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
      return !signal.aborted && !io.stdout.destroyed;
    },
  };
}

/**
 * Runs the search and prints what it finds, streamed: entries newest first
 * from the service (sort by datetime desc, so --limit keeps the newest) are
 * buffered in NewestFirstBuffer (on disk past a few MB) and printed oldest
 * first; other orders are printed as they come. Entries of one millisecond
 * come in id order, each id once. Rows (count, summarize, select) are
 * printed after. Returns the printed entries of the follow window.
 */
async function printSearch(
  ctx: ServiceContext,
  io: CliIo,
  query: string,
  start: number,
  end: number,
  o: { limit: number; format: FormatOptions; out: Out; quiet: boolean; signal: AbortSignal; newestFirst: boolean; followFrom: number | undefined },
): Promise<LogEntry[]> {
  const rows: ResultRow[] = [];
  const recent: LogEntry[] = [];
  const json = o.format.output === 'json' ? new JsonArrayWriter() : undefined;
  const print = async (e: LogEntry): Promise<boolean> => {
    if (o.followFrom !== undefined && Date.parse(e.time) >= o.followFrom) recent.push(e);
    return o.out.write(json ? json.element(entryObject(e, o.format)) : formatEntry(e, o.format));
  };
  const spinner = await startSpinner(io, 'searching', o.quiet);
  const buffer = new NewestFirstBuffer();
  const sorter = new SameTimeSorter();
  let found = 0;
  try {
    const pages = searchPages(ctx.clients, query, start, end, { limit: o.limit, windows: o.newestFirst ? 'newest-first' : 'oldest-first', onRow: (row) => rows.push(row), signal: o.signal });
    for await (const page of pages) {
      found += page.length;
      spinner.update(`searching: ${found + rows.length} results`);
      if (o.newestFirst) {
        for (const e of page) buffer.add(e);
        continue;
      }
      spinner.stop();
      for (const e of page) for (const ready of sorter.push(e)) if (!(await print(ready))) return recent;
    }
    spinner.stop();
    const rest = o.newestFirst ? buffer.oldestFirst(sorter) : sorter.end();
    for (const e of rest) if (!(await print(e))) return recent;
    if (rows.length > 0 && found === 0) {
      if (o.format.fields !== undefined && !o.quiet) warn(io, 'warning: --fields picks fields of entries; this query gives rows of its own columns, printed whole');
      await o.out.write(formatRows(rows, o.format.output));
    }
    else if (json) await o.out.write(json.end());
    return recent;
  } finally {
    spinner.stop();
    buffer.dispose();
  }
}

/**
 * Ends a run cleanly: when the reader of stdout goes away (| head), even
 * while nothing is printed (exit 0), and on the first SIGINT or SIGTERM,
 * which with --follow is the way to stop (exit 0), and otherwise cuts the
 * search short (exit 130 or 143, as the signal's default would, but with
 * the temporary file of entries removed).
 */
function stopSignal(io: CliIo, follow: boolean): { signal: AbortSignal; interruptedBy(): SignalName | undefined; dispose(): void } {
  const controller = new AbortController();
  let interrupted: SignalName | undefined;
  const abort = (): void => controller.abort();
  const onSignal = (name: SignalName) => (): void => {
    if (!follow) interrupted ??= name;
    abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  io.signals.on('SIGINT', onInt);
  io.signals.on('SIGTERM', onTerm);
  const unwatch = watchReaderGone(io.stdout, abort);
  return {
    signal: controller.signal,
    interruptedBy: () => interrupted,
    dispose: () => {
      unwatch();
      io.signals.off('SIGINT', onInt);
      io.signals.off('SIGTERM', onTerm);
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
 * fires (Ctrl-C, or the reader of stdout went away).
 */
async function follow(ctx: ServiceContext, query: string, io: CliIo, format: FormatOptions, out: Out, printed: readonly LogEntry[], intervalMs: number, since: number, signal: AbortSignal): Promise<void> {
  const seen = new SeenIds();
  for (const e of printed) seen.add(e);
  while (!signal.aborted) {
    await io.clock.sleep(intervalMs, signal);
    if (signal.aborted) break;
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
    for (const e of fresh) if (!(await out.write(formatEntry(e, format)))) return;
    seen.forgetBefore(from);
  }
}

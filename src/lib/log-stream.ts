import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { DEFAULT_BACKOFF } from '../core/delivery-policy.js';
import { EntryIdGenerator } from '../core/pipe/entry-id.js';
import { createLineFeeder } from '../core/pipe/line-feeder.js';
import type { LineFeeder } from '../core/pipe/line-feeder.js';
import type { LineOptions } from '../core/lines/line-options.js';
import { newLineStats } from '../core/lines/line-stats.js';
import { MULTILINE_PRESET_NAMES } from '../core/lines/multiline-presets.js';
import type { MultilinePresetName } from '../core/lines/multiline-presets.js';
import { Redaction, RedactSpecError } from '../core/lines/redact.js';
import { emptyStats } from '../core/pipe/shipper.js';
import type { Shipper, ShipResult, ShipStats, WhenFull } from '../core/pipe/shipper.js';
import { resolveConnection } from '../shipping/connection.js';
import { MIN_SPOOL_BYTES, SPOOL_DIR_ENV, defaultSpoolDir } from '../shipping/settings.js';
import type { DeliverySettings, SpoolSettings } from '../shipping/settings.js';
import { createShipper, openDeadLetter, openPutLogs, openSpool, reportResult, stallMessage } from '../shipping/shipping.js';
import type { Sender } from '../shipping/shipping.js';

export type { ShipResult, ShipStats, WhenFull } from '../core/pipe/shipper.js';

/** The spool of a log stream: where lines wait on disk until they are delivered. */
export interface LogStreamSpoolOptions {
  /** The folder. Default: `OCI_LOG_SPOOL_DIR`, else `${XDG_STATE_HOME:-~/.local/state}/oci-log/spool` (if that cannot be used: memory only, with a warning). */
  dir?: string;
  /** Bytes the spool may hold. Default 1 GiB; at least 1 MiB. */
  maxBytes?: number;
  /** At the limit: stop taking lines (`block`, the default: writes wait), or drop the oldest or newest. */
  whenFull?: WhenFull;
  /** fsync each batch before it is sent (survives a power loss). Default false. */
  sync?: boolean;
}

/** Options of createLogStream: the CLI's flags, as camelCase properties. */
export interface LogStreamOptions {
  /** OCID of the log to send to (required). */
  logOcid: string;
  /** Each entry batch's source. Default: the host name. */
  source?: string;
  /** Each entry batch's type. Default `oci-log`. */
  type?: string;
  /** Each entry batch's subject. Default: none. */
  subject?: string;
  /** OCI config file. Default `OCI_CLI_CONFIG_FILE`, else `~/.oci/config`. */
  configFile?: string;
  /** Profile in it. Default `OCI_CLI_PROFILE`, else `DEFAULT`. */
  profile?: string;
  /** `api_key` (default, or `OCI_CLI_AUTH`), `security_token`, `instance_principal`, `resource_principal`. */
  auth?: string;
  /** Region. Default `OCI_CLI_REGION`, else the profile's. */
  region?: string;
  /** Service URL instead of the region's, e.g. the emulator's. Default `OCI_LOG_ENDPOINT`. */
  endpoint?: string;
  /** Where the variables above are read. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Entries per request, 1 to 10000. Default 1000. */
  batchSize?: number;
  /** Request body bytes at most, 128 KiB to 9 MiB. Default 4 MiB. */
  batchBytes?: number;
  /** A batch goes at the latest this many ms after its first line. Default 1000. */
  flushIntervalMs?: number;
  /** Each PutLogs answer must come within this many ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Requests under way at once while the service answers, 1 to 64. Default 16. */
  maxInFlight?: number;
  /** The write-ahead spool (default on); `false` keeps lines in memory only. */
  spool?: boolean | LogStreamSpoolOptions;
  /** Without a spool: retries of a request before its lines are dead-lettered. Default 8. */
  maxRetries?: number;
  /** File for lines the service refuses. Default: a new file in `~/.local/state/oci-log/dead-letter/`. */
  deadLetter?: string;
  /** At end(): stop once no request has succeeded for this many ms; what is left stays in the spool. Default 8000 (under pino's 10 s). */
  shutdownTimeoutMs?: number;
  /** What the user must hear (outages, refusals, what is left where). Default: a line `oci-log: …` on stderr. */
  onWarning?: (message: string) => void;
  /** Lines that belong together become one entry: a preset (`java`, `python`, `node`, `go`, `ruby`, `indented`), or a RegExp that starts each entry. */
  multiline?: MultilinePresetName | RegExp;
  /** A group goes after this many ms without a line. Default 1000. */
  multilineTimeoutMs?: number;
  /** A JSON line's top-level field that gives its entry's time (ISO 8601, or epoch s/ms/µs/ns). */
  timeKey?: string;
  /** A leading ISO 8601 or syslog timestamp gives the entry's time. */
  timePrefix?: boolean;
  /** A JSON line's top-level field that gives its entry's subject. */
  subjectKey?: string;
  /** Masks secrets before anything is spooled or sent: `'secrets'`, and/or regular expressions (a capture group, if any, is what is masked). */
  redact?: readonly string[];
}

/** A Writable of lines (any chunking: partial lines wait for their end) that ships them to OCI Logging. */
export interface LogStream extends Writable {
  /** Counts so far: read, sent, waiting, retries… */
  stats(): ShipStats;
  /** Resolves once the stream has finished (after end()): what was delivered, and what was not and where it is. */
  readonly result: Promise<ShipResult>;
}

const LOG_OCID = /^ocid1\.log\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9._-]+$/i;

function check(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`oci-log: ${name} must be a whole number from ${min} to ${max}, not ${String(value)}`);
  return value;
}

/** The options, checked and resolved: what a stream needs before it starts. */
interface Prepared {
  options: LogStreamOptions;
  lines: LineOptions | undefined;
  warn: (message: string) => void;
  delivery: DeliverySettings;
  spool: SpoolSettings | undefined;
  maxInFlight: number;
  shutdownMs: number;
}

/** Checks every option (throwing at once, naming it) and fills in the defaults. */
function prepare(options: LogStreamOptions): Prepared {
  if (typeof options?.logOcid !== 'string' || !LOG_OCID.test(options.logOcid)) {
    throw new TypeError(`oci-log: logOcid must be a log OCID (ocid1.log.<realm>.<region>.<unique id>), not ${JSON.stringify(options?.logOcid)}`);
  }
  const env = options.env ?? process.env;
  const spoolOption = options.spool ?? true;
  let spool: SpoolSettings | undefined;
  if (spoolOption !== false) {
    const o = spoolOption === true ? {} : spoolOption;
    const named = o.dir ?? env[SPOOL_DIR_ENV];
    const whenFull = o.whenFull ?? 'block';
    if (!['block', 'drop-oldest', 'drop-newest'].includes(whenFull)) {
      throw new TypeError(`oci-log: spool.whenFull must be block, drop-oldest or drop-newest, not ${JSON.stringify(o.whenFull)}`);
    }
    spool = {
      dir: named ?? defaultSpoolDir(env),
      explicit: named !== undefined,
      maxBytes: check('spool.maxBytes', o.maxBytes, MIN_SPOOL_BYTES, Number.MAX_SAFE_INTEGER, 1024 ** 3),
      whenFull,
      sync: o.sync ?? false,
    };
  }
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`oci-log: ${m}\n`));
  return {
    options,
    lines: lineOptions(options, warn),
    warn,
    delivery: {
      batchSize: check('batchSize', options.batchSize, 1, 10_000, 1000),
      batchBytes: check('batchBytes', options.batchBytes, 128 * 1024, 9 * 1024 * 1024, 4 * 1024 * 1024),
      flushIntervalMs: check('flushIntervalMs', options.flushIntervalMs, 10, 3_600_000, 1000),
      requestTimeoutMs: check('requestTimeoutMs', options.requestTimeoutMs, 1000, 3_600_000, 30_000),
      retry: { maxRetries: check('maxRetries', options.maxRetries, 0, 100, 8) },
      backoff: DEFAULT_BACKOFF,
      deadLetter: options.deadLetter,
    },
    spool,
    maxInFlight: check('maxInFlight', options.maxInFlight, 1, 64, 16),
    shutdownMs: check('shutdownTimeoutMs', options.shutdownTimeoutMs, 0, 3_600_000, 8000),
  };
}

/** The line stages (redaction, multiline, the line's time and subject), or undefined when none is asked for. */
function lineOptions(o: LogStreamOptions, warn: (message: string) => void): LineOptions | undefined {
  if (o.multiline !== undefined && !(o.multiline instanceof RegExp) && !MULTILINE_PRESET_NAMES.includes(o.multiline)) {
    throw new TypeError(`oci-log: multiline must be one of ${MULTILINE_PRESET_NAMES.join(', ')} or a RegExp, not ${JSON.stringify(o.multiline)}`);
  }
  let redaction: Redaction | undefined;
  if (o.redact !== undefined && o.redact.length > 0) {
    try {
      redaction = new Redaction([...o.redact]);
    } catch (err) {
      if (err instanceof RedactSpecError) throw new TypeError(`oci-log: redact: ${err.message}`);
      throw err;
    }
  }
  for (const [name, value] of [['timeKey', o.timeKey], ['subjectKey', o.subjectKey]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new TypeError(`oci-log: ${name} must be a field name`);
  }
  const multiline = o.multiline === undefined ? undefined : o.multiline instanceof RegExp ? { start: o.multiline } : { preset: o.multiline };
  if (redaction === undefined && multiline === undefined && o.timeKey === undefined && o.timePrefix !== true && o.subjectKey === undefined) return undefined;
  return {
    redaction,
    multiline,
    multilineTimeoutMs: check('multilineTimeoutMs', o.multilineTimeoutMs, 1, 3_600_000, 1000),
    time: { timeKey: o.timeKey, timePrefix: o.timePrefix === true },
    subjectKey: o.subjectKey,
    stats: newLineStats(),
    notice: (_kind, message) => warn(message),
  };
}

class OciLogStream extends Writable implements LogStream {
  readonly result: Promise<ShipResult>;
  private resolveResult: (r: ShipResult) => void = () => undefined;
  private rejectResult: (err: Error) => void = () => undefined;
  private sender: Sender | undefined;
  private shipper: Shipper | undefined;
  private feeder: LineFeeder | undefined;

  constructor(private readonly p: Prepared) {
    super({ decodeStrings: true, highWaterMark: 64 * 1024 });
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A failure is reported through 'error' too: an unobserved result must not crash the process.
    this.result.catch(() => undefined);
  }

  stats(): ShipStats {
    return this.shipper?.stats() ?? emptyStats();
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.setUp().then(
      () => callback(),
      (err: Error) => {
        this.rejectResult(err);
        callback(err);
      },
    );
  }

  private async setUp(): Promise<void> {
    const { options: o, delivery, warn } = this.p;
    const env = o.env ?? process.env;
    const settings = resolveConnection({ configFile: o.configFile, profile: o.profile, auth: o.auth, region: o.region, endpoint: o.endpoint }, env);
    // Credentials, the spool and the dead-letter file first: a broken setup fails before a line is taken.
    this.sender = await openPutLogs(settings, delivery.requestTimeoutMs, this.p.maxInFlight, warn);
    const spool = openSpool(this.p.spool, warn);
    const deadLetter = openDeadLetter(delivery.deadLetter, env, warn);
    const shipper = createShipper(
      { delivery, spool: this.p.spool, maxInFlight: this.p.maxInFlight },
      { logId: o.logOcid, source: o.source ?? hostname(), type: o.type ?? 'oci-log', subject: o.subject },
      this.sender.send,
      deadLetter,
      spool,
      warn,
    );
    if (spool) {
      const left = spool.adopt(o.logOcid);
      if (left.length > 0) shipper.adopt(left);
    }
    this.shipper = shipper;
    this.feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), lines: this.p.lines });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const wait = (this.feeder as LineFeeder).push(chunk);
    if (wait) wait.then(() => callback(), callback);
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    (this.feeder as LineFeeder).end();
    (this.shipper as Shipper).close({ stallMs: this.p.shutdownMs }).then(
      (result) => {
        if (result.stoppedBy === 'stall') this.p.warn(stallMessage(result, this.p.shutdownMs));
        reportResult(this.p.warn, result);
        this.sender?.close();
        this.resolveResult(result);
        callback();
      },
      (err: Error) => callback(err),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed before the end: what was taken stays in the spool (or, memory only, goes to the dead-letter file).
    if (this.shipper && !this.writableFinished) {
      // That includes an open multiline group and a last line without its newline; ending the feeder also stops its group timer, which would add to the stopped shipper.
      this.feeder?.end();
      const result = this.shipper.abort();
      reportResult(this.p.warn, result);
      this.resolveResult(result);
    }
    this.sender?.close();
    if (error) this.rejectResult(error);
    callback(error);
  }
}

/**
 * A Writable of text lines that ships each line to an OCI Logging log, with
 * the CLI's batching, retries, write-ahead spool and dead-letter file:
 *
 *   const log = createLogStream({ logOcid: 'ocid1.log.oc1…' });
 *   log.write('hello\n');
 *   log.end();
 *   const result = await log.result; // result.delivered, result.spooled, …
 *
 * Credentials are resolved as the CLI resolves them (options, then OCI_CLI_*
 * variables, then ~/.oci/config). A write waits (backpressure) while the
 * service lags; end() delivers what is left, stopping once no request has
 * succeeded for shutdownTimeoutMs (what remains waits in the spool for the
 * next run or `oci-log flush`). Invalid options throw at once.
 */
export function createLogStream(options: LogStreamOptions): LogStream {
  return new OciLogStream(prepare(options));
}

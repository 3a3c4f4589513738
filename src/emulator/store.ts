import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOcid } from './ocid.js';

/** The lifecycle states the emulator uses (the service has more: CREATING, UPDATING, INACTIVE, FAILED). */
export type LifecycleState = 'ACTIVE' | 'DELETING';

export type FreeformTags = Record<string, string>;
export type DefinedTags = Record<string, Record<string, unknown>>;

export interface LogGroupRecord {
  id: string;
  compartmentId: string;
  displayName: string;
  description?: string;
  freeformTags: FreeformTags;
  definedTags: DefinedTags;
  lifecycleState: LifecycleState;
  timeCreated: string;
  timeLastModified: string;
  /** Internal: changes with every modification; answered as the etag header, checked against if-match. */
  etag: string;
}

/** A SERVICE log's source (OciService in the SDK). */
export interface ServiceSource {
  sourceType: 'OCISERVICE';
  service: string;
  resource: string;
  category: string;
  parameters?: Record<string, string>;
}

export interface LogRecord {
  id: string;
  tenancyId: string;
  logGroupId: string;
  compartmentId: string;
  displayName: string;
  logType: 'CUSTOM' | 'SERVICE';
  isEnabled: boolean;
  retentionDuration: number;
  configuration?: { compartmentId?: string; source: ServiceSource };
  freeformTags: FreeformTags;
  definedTags: DefinedTags;
  lifecycleState: LifecycleState;
  timeCreated: string;
  timeLastModified: string;
  etag: string;
}

export type OperationType = 'CREATE_LOG_GROUP' | 'UPDATE_LOG_GROUP' | 'DELETE_LOG_GROUP' | 'MOVE_LOG_GROUP' | 'CREATE_LOG' | 'UPDATE_LOG' | 'DELETE_LOG' | 'MOVE_LOG';

export interface WorkRequestResource {
  entityType: string;
  actionType: string;
  identifier: string;
  entityUri: string;
}

export interface WorkRequestRecord {
  id: string;
  operationType: OperationType;
  status: 'ACCEPTED' | 'SUCCEEDED' | 'FAILED';
  compartmentId: string;
  resources: WorkRequestResource[];
  percentComplete: number;
  timeAccepted: string;
  timeStarted?: string;
  timeFinished?: string;
  /** Internal: how often a client has read it while unfinished. */
  reads: number;
  /** Internal: when it finishes by itself (ms), if not read twice before. */
  completeAt: number;
  /** Internal: it ends FAILED (an injected fault). */
  fails: boolean;
  /** Internal: the resource a delete removes when it finishes, or a failed delete sets ACTIVE again. */
  deletes?: { kind: 'loggroup' | 'log'; id: string };
  errors: Array<{ code: string; message: string; timestamp: string }>;
  logs: Array<{ message: string; timestamp: string }>;
}

/** A create's opc-retry-token: the same request again within 24 h gets the same work request. */
export interface RetryTokenRecord {
  token: string;
  /** Operation, path and body hash of the request that used it first. */
  fingerprint: string;
  workRequestId: string;
  /** What the create made (so a deleted resource invalidates the token). */
  resourceId: string;
  expires: number;
}

/** One stored entry, as PutLogs delivered it, plus when it was ingested. */
export interface StoredEntry {
  id: string;
  data: string;
  /** The entry's time (or its batch's default time), ms since the epoch. */
  time: number;
  source: string;
  type: string;
  subject?: string | undefined;
  ingested: number;
}

interface StateFile {
  logGroups: LogGroupRecord[];
  logs: LogRecord[];
  workRequests: WorkRequestRecord[];
  compartments?: string[];
  retryTokens?: RetryTokenRecord[];
}

export interface StoreOptions {
  tenancy: string;
  /** Keep everything here (state.json plus entries/<logId>.jsonl); memory only when undefined. */
  dataDir?: string | undefined;
  /** Per log, drop the oldest entries beyond this many. */
  maxEntriesPerLog: number;
  /** All logs together, evict the oldest entries beyond this many bytes (see entryBytes); unbounded when undefined. */
  maxStoredBytes?: number | undefined;
  /** Validate and count entries but keep none (for benchmarks). */
  discardEntries: boolean;
  /** Compartments that exist besides the tenancy (declared with --compartment). */
  compartments?: readonly string[];
}

/** The --data-dir holds something the emulator cannot read back. */
export class DataDirError extends Error {}

/** What an entry is counted as holding: its strings' characters (a byte each for ASCII) and the object around them. */
export function entryBytes(e: StoredEntry): number {
  return e.id.length + e.data.length + e.source.length + e.type.length + (e.subject?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
}
const ENTRY_OVERHEAD_BYTES = 100;

export function newEtag(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The emulator's state: compartments, log groups, logs, work requests,
 * retry tokens and entries, optionally on disk. Validation and the
 * service's rules live in the API modules; this keeps and persists.
 */
export class Store {
  readonly tenancy: string;
  readonly compartments = new Set<string>();
  readonly logGroups = new Map<string, LogGroupRecord>();
  readonly logs = new Map<string, LogRecord>();
  readonly workRequests = new Map<string, WorkRequestRecord>();
  readonly retryTokens = new Map<string, RetryTokenRecord>();
  private readonly entries = new Map<string, StoredEntry[]>();
  private readonly counts = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  /** Bytes held per log (entryBytes), their total, and entries evicted per log to keep the total under maxStoredBytes. */
  private readonly bytes = new Map<string, number>();
  private totalBytes = 0;
  private readonly evicted = new Map<string, number>();
  private readonly options: StoreOptions;

  constructor(options: StoreOptions) {
    this.options = options;
    this.tenancy = options.tenancy;
    this.compartments.add(options.tenancy);
    for (const c of options.compartments ?? []) this.compartments.add(c);
    if (options.dataDir) this.load(options.dataDir);
  }

  private load(dir: string): void {
    mkdirSync(join(dir, 'entries'), { recursive: true });
    const stateFile = join(dir, 'state.json');
    if (existsSync(stateFile)) {
      let state: StateFile;
      try {
        state = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
        if (!Array.isArray(state.logGroups) || !Array.isArray(state.logs) || !Array.isArray(state.workRequests)) throw new Error('missing logGroups, logs or workRequests');
      } catch (err) {
        throw new DataDirError(`${stateFile} is not a state file this emulator wrote (${(err as Error).message}); move it away or use another --data-dir`);
      }
      // Files from earlier versions lack the newer fields: fill them in.
      for (const g of state.logGroups) this.logGroups.set(g.id, { ...g, lifecycleState: g.lifecycleState ?? 'ACTIVE', etag: g.etag ?? newEtag() });
      for (const l of state.logs) this.logs.set(l.id, { ...l, lifecycleState: l.lifecycleState ?? 'ACTIVE', etag: l.etag ?? newEtag() });
      for (const w of state.workRequests) {
        const old = w as Partial<WorkRequestRecord> & Pick<WorkRequestRecord, 'id'>;
        this.workRequests.set(w.id, { ...w, errors: old.errors ?? [], logs: old.logs ?? [], fails: old.fails ?? false, completeAt: old.completeAt ?? 0, reads: old.reads ?? 1 });
      }
      for (const c of state.compartments ?? []) this.compartments.add(c);
      for (const g of this.logGroups.values()) this.compartments.add(g.compartmentId);
      for (const t of state.retryTokens ?? []) this.retryTokens.set(t.token, t);
    }
    for (const name of readdirSync(join(dir, 'entries'))) {
      if (!name.endsWith('.jsonl')) continue;
      const logId = name.slice(0, -'.jsonl'.length);
      if (!this.logs.has(logId)) continue;
      const list: StoredEntry[] = [];
      for (const line of readFileSync(join(dir, 'entries', name), 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          list.push(JSON.parse(line) as StoredEntry);
        } catch {
          // a line torn by a crash mid-append: the entries before it are intact
        }
      }
      this.counts.set(logId, list.length);
      this.entries.set(logId, list);
      this.held(logId, list, 1);
      this.capped(logId, list);
    }
    this.evictOverBytes();
  }

  /** Counts entries into (sign 1) or out of (-1) a log's bytes. */
  private held(logId: string, entries: readonly StoredEntry[], sign: 1 | -1): void {
    let n = 0;
    for (const e of entries) n += entryBytes(e);
    this.bytes.set(logId, (this.bytes.get(logId) ?? 0) + sign * n);
    this.totalBytes += sign * n;
  }

  /** Drops a log's oldest entries beyond --max-entries, exactly. */
  private capped(logId: string, list: StoredEntry[]): void {
    const excess = list.length - this.options.maxEntriesPerLog;
    if (excess > 0) this.held(logId, list.splice(0, excess), -1);
  }

  /**
   * Evicts the oldest entries, all logs together (by ingestion), until the
   * bytes held are within maxStoredBytes; counts them per log.
   */
  private evictOverBytes(): void {
    const max = this.options.maxStoredBytes;
    if (max === undefined) return;
    while (this.totalBytes > max) {
      let oldest: [string, StoredEntry[]] | undefined;
      let next = Infinity;
      for (const [logId, list] of this.entries) {
        const first = list[0];
        if (first === undefined) continue;
        if (oldest === undefined || first.ingested < (oldest[1][0] as StoredEntry).ingested) {
          if (oldest) next = Math.min(next, (oldest[1][0] as StoredEntry).ingested);
          oldest = [logId, list];
        } else next = Math.min(next, first.ingested);
      }
      if (!oldest) return;
      const [logId, list] = oldest;
      // from this log, its entries up to the next log's oldest, while over the cap
      let k = 0;
      let over = this.totalBytes - max;
      while (k < list.length && over > 0 && (list[k] as StoredEntry).ingested <= next) over -= entryBytes(list[k++] as StoredEntry);
      this.held(logId, list.splice(0, k), -1);
      this.evicted.set(logId, (this.evicted.get(logId) ?? 0) + k);
    }
  }

  private entriesFile(logId: string): string | undefined {
    return this.options.dataDir === undefined ? undefined : join(this.options.dataDir, 'entries', `${logId}.jsonl`);
  }

  /** Writes everything but the entries to state.json (atomically). */
  save(): void {
    const dir = this.options.dataDir;
    if (!dir) return;
    const state: StateFile = {
      logGroups: [...this.logGroups.values()],
      logs: [...this.logs.values()],
      workRequests: [...this.workRequests.values()],
      compartments: [...this.compartments].filter((c) => c !== this.tenancy),
      retryTokens: [...this.retryTokens.values()],
    };
    const tmp = join(dir, `state.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, join(dir, 'state.json'));
  }

  /** Marks a record modified now: a new etag and timeLastModified. */
  touch(record: { etag: string; timeLastModified: string }, now: number): void {
    record.etag = newEtag();
    record.timeLastModified = new Date(now).toISOString();
  }

  createLogGroup(
    input: { compartmentId: string; displayName: string; description?: string; freeformTags?: FreeformTags; definedTags?: DefinedTags },
    now = Date.now(),
  ): LogGroupRecord {
    const at = new Date(now).toISOString();
    const group: LogGroupRecord = {
      id: newOcid('loggroup'),
      compartmentId: input.compartmentId,
      displayName: input.displayName,
      ...(input.description === undefined ? {} : { description: input.description }),
      freeformTags: input.freeformTags ?? {},
      definedTags: input.definedTags ?? {},
      lifecycleState: 'ACTIVE',
      timeCreated: at,
      timeLastModified: at,
      etag: newEtag(),
    };
    this.logGroups.set(group.id, group);
    this.save();
    return group;
  }

  createLog(
    group: LogGroupRecord,
    input: Pick<LogRecord, 'displayName' | 'logType' | 'isEnabled' | 'retentionDuration'> & Partial<Pick<LogRecord, 'configuration' | 'freeformTags' | 'definedTags'>>,
    now = Date.now(),
  ): LogRecord {
    const at = new Date(now).toISOString();
    const log: LogRecord = {
      id: newOcid('log'),
      tenancyId: this.tenancy,
      logGroupId: group.id,
      compartmentId: group.compartmentId,
      displayName: input.displayName,
      logType: input.logType,
      isEnabled: input.isEnabled,
      retentionDuration: input.retentionDuration,
      ...(input.configuration === undefined ? {} : { configuration: input.configuration }),
      freeformTags: input.freeformTags ?? {},
      definedTags: input.definedTags ?? {},
      lifecycleState: 'ACTIVE',
      timeCreated: at,
      timeLastModified: at,
      etag: newEtag(),
    };
    this.logs.set(log.id, log);
    this.save();
    return log;
  }

  deleteLogGroup(id: string): void {
    this.logGroups.delete(id);
    this.save();
  }

  deleteLog(id: string): void {
    this.logs.delete(id);
    this.totalBytes -= this.bytes.get(id) ?? 0;
    this.entries.delete(id);
    this.bytes.delete(id);
    this.counts.delete(id);
    this.dropped.delete(id);
    this.evicted.delete(id);
    const file = this.entriesFile(id);
    if (file !== undefined) rmSync(file, { force: true });
    this.save();
  }

  addWorkRequest(request: WorkRequestRecord): void {
    this.workRequests.set(request.id, request);
    this.save();
  }

  logsOf(groupId: string): LogRecord[] {
    return [...this.logs.values()].filter((l) => l.logGroupId === groupId);
  }

  /** Appends a PutLogs request's entries to a log (one disk write per request). */
  append(logId: string, batch: StoredEntry[]): void {
    this.counts.set(logId, (this.counts.get(logId) ?? 0) + batch.length);
    if (this.options.discardEntries || batch.length === 0) return;
    let list = this.entries.get(logId);
    if (!list) {
      list = [];
      this.entries.set(logId, list);
    }
    for (const e of batch) list.push(e);
    this.held(logId, batch, 1);
    this.capped(logId, list);
    this.evictOverBytes();
    const file = this.entriesFile(logId);
    if (file !== undefined) appendFileSync(file, batch.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }

  /** Counts entries accepted but not kept (older than the log's retention). */
  countDropped(logId: string, n: number): void {
    if (n > 0) this.dropped.set(logId, (this.dropped.get(logId) ?? 0) + n);
  }

  entriesOf(logId: string): readonly StoredEntry[] {
    return this.entries.get(logId) ?? [];
  }

  /** Entries received per log (counted even when entries are discarded or dropped). */
  entryCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Entries accepted but dropped per log, being older than its retention. */
  droppedCounts(): Record<string, number> {
    return Object.fromEntries(this.dropped);
  }

  /** Entries evicted per log to keep all logs' entries within maxStoredBytes. */
  evictedCounts(): Record<string, number> {
    return Object.fromEntries(this.evicted);
  }

  /** The bytes the kept entries are counted as holding (see entryBytes). */
  storedBytes(): number {
    return this.totalBytes;
  }
}

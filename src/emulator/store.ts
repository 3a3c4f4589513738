import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOcid } from './ocid.js';

export interface LogGroupRecord {
  id: string;
  compartmentId: string;
  displayName: string;
  description?: string;
  freeformTags: Record<string, string>;
  definedTags: Record<string, Record<string, unknown>>;
  lifecycleState: 'ACTIVE';
  timeCreated: string;
  timeLastModified: string;
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
  freeformTags: Record<string, string>;
  definedTags: Record<string, Record<string, unknown>>;
  lifecycleState: 'ACTIVE';
  timeCreated: string;
  timeLastModified: string;
}

export interface WorkRequestRecord {
  id: string;
  operationType: 'CREATE_LOG_GROUP' | 'CREATE_LOG' | 'DELETE_LOG_GROUP' | 'DELETE_LOG';
  status: 'ACCEPTED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  compartmentId: string;
  resources: Array<{ entityType: string; actionType: string; identifier: string; entityUri: string }>;
  percentComplete: number;
  timeAccepted: string;
  timeStarted?: string;
  timeFinished?: string;
  /** How often a client has read it (internal: the first read still sees ACCEPTED). */
  reads?: number;
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
}

export interface StoreOptions {
  tenancy: string;
  /** Keep everything here (state.json plus entries/<logId>.jsonl); memory only when undefined. */
  dataDir?: string | undefined;
  /** Per log, drop the oldest entries beyond this many. */
  maxEntriesPerLog: number;
  /** Validate and count entries but keep none (for benchmarks). */
  discardEntries: boolean;
}

/** The --data-dir holds something the emulator cannot read back. */
export class DataDirError extends Error {}

/** The emulator's state: log groups, logs, work requests and entries, optionally on disk. */
export class Store {
  readonly tenancy: string;
  readonly logGroups = new Map<string, LogGroupRecord>();
  readonly logs = new Map<string, LogRecord>();
  readonly workRequests = new Map<string, WorkRequestRecord>();
  private readonly entries = new Map<string, StoredEntry[]>();
  private readonly counts = new Map<string, number>();
  private readonly options: StoreOptions;

  constructor(options: StoreOptions) {
    this.options = options;
    this.tenancy = options.tenancy;
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
      for (const g of state.logGroups) this.logGroups.set(g.id, g);
      for (const l of state.logs) this.logs.set(l.id, l);
      for (const w of state.workRequests) this.workRequests.set(w.id, w);
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
      this.entries.set(logId, this.capped(list));
    }
  }

  /** Drops the oldest entries beyond --max-entries, exactly. */
  private capped(list: StoredEntry[]): StoredEntry[] {
    const excess = list.length - this.options.maxEntriesPerLog;
    if (excess > 0) list.splice(0, excess);
    return list;
  }

  private entriesFile(logId: string): string | undefined {
    return this.options.dataDir === undefined ? undefined : join(this.options.dataDir, 'entries', `${logId}.jsonl`);
  }

  /** Writes groups, logs and work requests to state.json (atomically). */
  save(): void {
    const dir = this.options.dataDir;
    if (!dir) return;
    const state: StateFile = {
      logGroups: [...this.logGroups.values()],
      logs: [...this.logs.values()],
      workRequests: [...this.workRequests.values()],
    };
    const tmp = join(dir, `state.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, join(dir, 'state.json'));
  }

  createLogGroup(input: { compartmentId: string; displayName: string; description?: string; freeformTags?: Record<string, string> }): LogGroupRecord {
    const now = new Date().toISOString();
    const group: LogGroupRecord = {
      id: newOcid('loggroup'),
      compartmentId: input.compartmentId,
      displayName: input.displayName,
      ...(input.description === undefined ? {} : { description: input.description }),
      freeformTags: input.freeformTags ?? {},
      definedTags: {},
      lifecycleState: 'ACTIVE',
      timeCreated: now,
      timeLastModified: now,
    };
    this.logGroups.set(group.id, group);
    this.save();
    return group;
  }

  createLog(group: LogGroupRecord, input: { displayName: string; logType: 'CUSTOM' | 'SERVICE'; isEnabled: boolean; retentionDuration: number }): LogRecord {
    const now = new Date().toISOString();
    const log: LogRecord = {
      id: newOcid('log'),
      tenancyId: this.tenancy,
      logGroupId: group.id,
      compartmentId: group.compartmentId,
      displayName: input.displayName,
      logType: input.logType,
      isEnabled: input.isEnabled,
      retentionDuration: input.retentionDuration,
      freeformTags: {},
      definedTags: {},
      lifecycleState: 'ACTIVE',
      timeCreated: now,
      timeLastModified: now,
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
    this.entries.delete(id);
    this.counts.delete(id);
    const file = this.entriesFile(id);
    if (file !== undefined) rmSync(file, { force: true });
    this.save();
  }

  addWorkRequest(request: WorkRequestRecord): void {
    this.workRequests.set(request.id, request);
    this.save();
  }

  markWorkRequestRead(id: string): void {
    const wr = this.workRequests.get(id);
    if (wr && (wr.reads ?? 1) === 0) {
      wr.reads = 1;
      this.save();
    }
  }

  logsOf(groupId: string): LogRecord[] {
    return [...this.logs.values()].filter((l) => l.logGroupId === groupId);
  }

  /** Appends a PutLogs request's entries to a log (one disk write per request). */
  append(logId: string, batch: StoredEntry[]): void {
    this.counts.set(logId, (this.counts.get(logId) ?? 0) + batch.length);
    if (this.options.discardEntries) return;
    let list = this.entries.get(logId);
    if (!list) {
      list = [];
      this.entries.set(logId, list);
    }
    for (const e of batch) list.push(e);
    this.capped(list);
    const file = this.entriesFile(logId);
    if (file !== undefined) appendFileSync(file, batch.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }

  entriesOf(logId: string): readonly StoredEntry[] {
    return this.entries.get(logId) ?? [];
  }

  /** Entries received per log (counted even when entries are discarded). */
  entryCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

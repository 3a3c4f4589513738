import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateHome } from '../state-home.js';

/** One undelivered entry, as a line of a dead-letter file: enough to send it again as it was. */
export interface DeadLetterRecord {
  data: string;
  id: string;
  time: string;
  source: string;
  type: string;
  subject?: string;
  logId: string;
}

export interface DeadLetterSink {
  /** Where the records go (the file may not exist until the first write). */
  readonly path: string;
  readonly count: number;
  write(records: readonly DeadLetterRecord[]): void;
  close(): void;
}

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log/dead-letter/<UTC time>-<pid>.jsonl */
export function defaultDeadLetterPath(env: Record<string, string | undefined>, now = new Date(), pid = process.pid): string {

  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(stateHome(env), 'dead-letter', `${stamp}-${pid}.jsonl`);
}

/**
 * Appends records as JSON lines to a file made on first use (mode 0600,
 * parent folders created). Writes are synchronous: a record is on disk
 * before oci-log moves on, whatever happens next.
 */
export class DeadLetterFile implements DeadLetterSink {
  private fd: number | undefined;
  private written = 0;

  constructor(readonly path: string) {}

  get count(): number {
    return this.written;
  }

  write(records: readonly DeadLetterRecord[]): void {
    if (records.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.fd = openSync(this.path, 'a', 0o600);
    }
    let text = '';
    for (const r of records) text += JSON.stringify(r) + '\n';
    writeSync(this.fd, text);
    this.written += records.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

import type { LogEntry } from './entries.js';

export const OUTPUTS = ['text', 'jsonl', 'json'] as const;
export type Output = (typeof OUTPUTS)[number];

/** An output line of `oci-log exec`: {"run","stream","line"}. */
function isExecLine(data: unknown): data is { run: string; stream: string; line: string } {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d['run'] === 'string' && typeof d['stream'] === 'string' && typeof d['line'] === 'string' && Object.keys(d).length === 3;
}

/**
 * How an entry's data reads on one line: text as sent, JSON compactly, an
 * exec output line as its text (the subject already names the stream);
 * newlines escaped.
 */
export function dataText(data: unknown): string {
  const text = typeof data === 'string' ? data : isExecLine(data) ? data.line : JSON.stringify(data);
  return (text ?? '').replace(/\r?\n/g, '\\n');
}

/** One entry in the given format (json is written as a whole array by the caller). */
export function formatEntry(entry: LogEntry, output: Exclude<Output, 'json'>): string {
  if (output === 'jsonl') return JSON.stringify(entry) + '\n';
  return `${entry.time} ${entry.subject ?? '-'} ${dataText(entry.data)}\n`;
}

export function formatEntries(entries: readonly LogEntry[], output: Output): string {
  if (output === 'json') return JSON.stringify(entries, null, 2) + '\n';
  return entries.map((e) => formatEntry(e, output)).join('');
}

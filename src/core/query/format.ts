import type { LogEntry } from './entries.js';

export const OUTPUTS = ['text', 'jsonl', 'json'] as const;
export type Output = (typeof OUTPUTS)[number];

/** How an entry's data reads on one line: text as sent, JSON compactly; newlines escaped. */
export function dataText(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
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

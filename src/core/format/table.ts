import { escapeControls } from './control-chars.js';

/**
 * Left-aligned text columns separated by two spaces; the last column is not
 * padded. Control characters in a cell are escaped (cells can come from a
 * service or a log).
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((r) => r.map(escapeControls));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

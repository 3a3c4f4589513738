/**
 * Characters a terminal acts on instead of showing: C0 controls but tab
 * (ESC starts sequences that move the cursor, rewrite the screen or the
 * window title, or answer back), DEL, and C1 controls (0x9b is a one-byte
 * CSI on some terminals).
 */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

/**
 * `text` safe to print on a terminal: each control character written as an
 * escape (\n, \r, else \u001b as JSON writes it), so data read from a log
 * shows what it holds and cannot act on the terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

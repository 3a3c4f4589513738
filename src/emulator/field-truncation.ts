/**
 * What the service does with long data fields, as far as it is known.
 *
 * Oracle documents that "any log data field" over 10,000 characters is
 * truncated during ingestion (the SDK's LogEntry model; the Logging docs'
 * "Log Inputs and Parsers"). A third party's live probes (2026) report the
 * field cut to exactly 10,000 characters ending in "...", that entries of
 * 1 MB and more are accepted (not refused) and truncated the same way, and
 * that in JSON data each value is limited to 10,000. So:
 * - data that is a JSON object: every string value longer than 10,000
 *   characters is cut (the object keeps its shape);
 * - any other data: the whole string is cut.
 * Characters are UTF-16 code units (what JavaScript and Java count); a cut
 * never leaves half a surrogate pair.
 */
export const MAX_FIELD_CHARS = 10_000;
const MARK = '...';

/** A string cut to MAX_FIELD_CHARS, ending in "...", or the string itself when it fits. */
export function truncateField(value: string): string {
  if (value.length <= MAX_FIELD_CHARS) return value;
  let keep = MAX_FIELD_CHARS - MARK.length;
  const last = value.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return value.slice(0, keep) + MARK;
}

/** Nesting past which JSON data is treated as text (matches search's rule). */
const MAX_DEPTH = 1000;

function depthOver(text: string, limit: number): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** An entry's data as the service keeps it: long fields truncated (see above). */
export function truncateData(data: string): string {
  if (data.length <= MAX_FIELD_CHARS) return data;
  if (data.startsWith('{') && !depthOver(data, MAX_DEPTH)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      let changed = false;
      // its own stack: no nesting depth can overflow the call stack
      const stack: unknown[] = [parsed];
      while (stack.length > 0) {
        const node = stack.pop() as Record<string, unknown> | unknown[];
        const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
        for (const k of keys) {
          const v = (node as Record<string | number, unknown>)[k];
          if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) {
            (node as Record<string | number, unknown>)[k] = truncateField(v);
            changed = true;
          } else if (typeof v === 'object' && v !== null) stack.push(v);
        }
      }
      return changed ? JSON.stringify(parsed) : data;
    }
  }
  return truncateField(data);
}

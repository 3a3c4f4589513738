/** A top-level field's value, as far as oci-log needs it. */
export type FieldValue =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string; value: number }
  | { kind: 'boolean'; text: string }
  | { kind: 'other' };

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * Reads one top-level field of a JSON-object line without parsing the
 * whole line (JSON.parse would cost more than the rest of the pipe does per
 * line). The key is found with indexOf; it counts only where it is a key of
 * the outermost object, which a scan of the text before it (strings and
 * nesting) decides. Returns undefined when the line is not a JSON object or
 * has no such field. A line that only looks like JSON up to the field is
 * read as far as that.
 */
export class JsonFieldReader {
  private readonly needle: string;

  constructor(readonly key: string) {
    this.needle = JSON.stringify(key);
  }

  read(line: string): FieldValue | undefined {
    let start = 0;
    while (start < line.length && isSpace(line.charCodeAt(start))) start += 1;
    if (line.charCodeAt(start) !== 123 /* { */) return undefined;
    // Scan state carried from one candidate to the next: nesting, inside a string, the last token before.
    let depth = 1;
    let inString = false;
    let keyPlace = true; // after { or , at depth 1: the next string is a key
    let pos = start + 1;
    for (let at = line.indexOf(this.needle, pos); at !== -1; at = line.indexOf(this.needle, at + 1)) {
      for (; pos < at; pos++) {
        const c = line.charCodeAt(pos);
        if (inString) {
          if (c === 92 /* \ */) pos += 1;
          else if (c === 34 /* " */) inString = false;
          continue;
        }
        if (c === 34) {
          inString = true;
          keyPlace = false;
        } else if (c === 123 || c === 91 /* [ */) {
          depth += 1;
          keyPlace = depth === 1;
        } else if (c === 125 /* } */ || c === 93 /* ] */) {
          depth -= 1;
          if (depth === 0) return undefined;
        } else if (c === 44 /* , */) {
          keyPlace = depth === 1;
        } else if (!isSpace(c)) {
          keyPlace = false;
        }
      }
      // pos === at: a string opens here. It is the key when the scan is between tokens at depth 1.
      if (inString || depth !== 1 || !keyPlace) continue;
      let v = at + this.needle.length;
      while (isSpace(line.charCodeAt(v))) v += 1;
      if (line.charCodeAt(v) !== 58 /* : */) continue;
      v += 1;
      while (isSpace(line.charCodeAt(v))) v += 1;
      return readValue(line, v);
    }
    return undefined;
  }
}

function readValue(line: string, at: number): FieldValue {
  const c = line.charCodeAt(at);
  if (c === 34) {
    let escaped = false;
    for (let i = at + 1; i < line.length; i++) {
      const d = line.charCodeAt(i);
      if (d === 92) {
        escaped = true;
        i += 1;
      } else if (d === 34) {
        if (!escaped) return { kind: 'string', text: line.slice(at + 1, i) };
        try {
          return { kind: 'string', text: JSON.parse(line.slice(at, i + 1)) as string };
        } catch {
          return { kind: 'other' };
        }
      }
    }
    return { kind: 'other' };
  }
  let end = at;
  while (end < line.length) {
    const d = line.charCodeAt(end);
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    end += 1;
  }
  const text = line.slice(at, end);
  if (text === 'true' || text === 'false') return { kind: 'boolean', text };
  if (NUMBER.test(text)) return { kind: 'number', text, value: Number(text) };
  return { kind: 'other' };
}

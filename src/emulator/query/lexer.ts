import { QueryError } from './query-error.js';

/**
 * Tokens of the Logging Query Language:
 * - `ident`: a-zA-Z_[a-zA-Z_0-9]*; `param`: the same after `$` (value without the `$`);
 * - `dquoted`: "…" with "" for a quote inside: a scope after `search`, a quoted
 *   identifier in a field, or (holding `*`) a wildcard pattern;
 * - `string`: '…' with backslash escapes (`\'`, `\\`, `\n`, `\t`, `\r`, `\uXXXX`);
 * - `number`: 12, 1.5, 0.0001, 1.2e10 (unsigned: the sign is an operator);
 * - `interval`: 3h, 2m, 30s, 1d (value in milliseconds);
 * - `op`: = != < <= > >= + - * /; `punct`: | , ( ) [ ] ; .
 * Comments (`-- …` to the end of the line, and `/* … *\/`) and white space are skipped.
 */
export type TokenKind = 'ident' | 'param' | 'dquoted' | 'string' | 'number' | 'interval' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The unescaped text (identifiers, strings, operators), or the source text of a number. */
  text: string;
  /** Numbers and intervals (ms). */
  value?: number;
  /** 0-based offset in the query. */
  at: number;
  /** Offset just past the token. */
  end: number;
}

export const INTERVAL_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function describeChar(c: string): string {
  return c === '\n' ? 'a line break' : JSON.stringify(c);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) throw new QueryError('unterminated comment: "/*" without "*/"', i);
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new QueryError("unterminated string: a ' without its closing '", start);
        const d = text[i] ?? '';
        if (d === "'") break;
        if (d === '\\') {
          if (i + 1 >= n) throw new QueryError("unterminated string: a ' without its closing '", start);
          const e = text[i + 1] ?? '';
          if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, at: start, end: i });
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new QueryError('unterminated name: a " without its closing "', start);
        const d = text[i] ?? '';
        if (d === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          break;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'dquoted', text: value, at: start, end: i });
      continue;
    }
    if (c === '$') {
      i++;
      if (!IDENT_START.test(text[i] ?? '')) throw new QueryError('expected a parameter name after "$"', start);
      while (i < n && IDENT_PART.test(text[i] ?? '')) i++;
      tokens.push({ kind: 'param', text: text.slice(start + 1, i), at: start, end: i });
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < n && IDENT_PART.test(text[i] ?? '')) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), at: start, end: i });
      continue;
    }
    if (DIGIT.test(c)) {
      while (i < n && DIGIT.test(text[i] ?? '')) i++;
      const unit = text[i] ?? '';
      if (unit in INTERVAL_MS && !IDENT_PART.test(text[i + 1] ?? '')) {
        i++;
        tokens.push({ kind: 'interval', text: text.slice(start, i), value: Number(text.slice(start, i - 1)) * (INTERVAL_MS[unit] ?? 0), at: start, end: i });
        continue;
      }
      if (text[i] === '.' && DIGIT.test(text[i + 1] ?? '')) {
        i++;
        while (i < n && DIGIT.test(text[i] ?? '')) i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && /^[eE][+-]?[0-9]/.test(text.slice(i, i + 3))) {
        i += text[i + 1] === '+' || text[i + 1] === '-' ? 2 : 1;
        while (i < n && DIGIT.test(text[i] ?? '')) i++;
      }
      if (IDENT_PART.test(text[i] ?? '')) {
        throw new QueryError(`${JSON.stringify(text.slice(start, i + 1))} is not a number or an interval (intervals are digits and one of d, h, m, s, e.g. 5m)`, start);
      }
      const source = text.slice(start, i);
      tokens.push({ kind: 'number', text: source, value: Number(source), at: start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      i += 2;
      tokens.push({ kind: 'op', text: two, at: start, end: i });
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === '+' || c === '-' || c === '*' || c === '/') {
      i++;
      tokens.push({ kind: 'op', text: c, at: start, end: i });
      continue;
    }
    if (c === '|' || c === ',' || c === '(' || c === ')' || c === '[' || c === ']' || c === ';' || c === '.') {
      i++;
      tokens.push({ kind: 'punct', text: c, at: start, end: i });
      continue;
    }
    throw new QueryError(`unexpected character ${describeChar(c)}`, start);
  }
  tokens.push({ kind: 'eof', text: '', at: n, end: n });
  return tokens;
}

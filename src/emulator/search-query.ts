/**
 * The subset of the OCI Logging query language the emulator understands:
 *   search "<compartment>[/<group>[/<log>]]"[, "…"]
 *     [| where EXPR] [| sort by datetime asc|desc] [| limit N]
 * EXPR: comparisons FIELD (=|!=|>|<|>=|<=) 'literal'|number, joined by
 * and/or/not and parentheses. FIELD is logContent, data.<path>, id, source,
 * type, subject, time or datetime. '*' in a string literal is a wildcard;
 * string matching ignores case.
 */

export interface Scope {
  compartment: string;
  group?: string;
  log?: string;
}

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cmp'; field: string; op: '=' | '!=' | '>' | '<' | '>=' | '<='; value: string | number };

export interface ParsedQuery {
  scopes: Scope[];
  where: Expr | undefined;
  sort: 'asc' | 'desc' | undefined;
  limit: number | undefined;
}

export class QuerySyntaxError extends Error {}

type Token = { t: 'str' | 'qstr' | 'word' | 'num' | 'op' | 'punct'; v: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= text.length) throw new QuerySyntaxError(`unterminated string starting at position ${i + 1}`);
        const d = text[j] ?? '';
        if (d === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        if (d === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        value += d;
        j++;
      }
      tokens.push({ t: c === '"' ? 'qstr' : 'str', v: value, at: i });
      i = j + 1;
      continue;
    }
    const op = /^(!=|>=|<=|=|>|<)/.exec(text.slice(i));
    if (op?.[1]) {
      tokens.push({ t: 'op', v: op[1], at: i });
      i += op[1].length;
      continue;
    }
    if ('|,()'.includes(c)) {
      tokens.push({ t: 'punct', v: c, at: i });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(text.slice(i));
    if (num) {
      tokens.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w.\-]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ t: 'word', v: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw new QuerySyntaxError(`unexpected character ${JSON.stringify(c)} at position ${i + 1}`);
  }
  return tokens;
}

export function parseQuery(text: string): ParsedQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, w: string): boolean => tok?.t === 'word' && tok.v.toLowerCase() === w;
  const describe = (tok: Token | undefined): string => (tok ? `${JSON.stringify(tok.v)} at position ${tok.at + 1}` : 'the end of the query');
  const expectWord = (w: string): void => {
    if (!isWord(peek(), w)) throw new QuerySyntaxError(`expected "${w}" but found ${describe(peek())}`);
    pos++;
  };

  expectWord('search');
  const scopes: Scope[] = [];
  for (;;) {
    const tok = peek();
    if (tok?.t !== 'qstr') throw new QuerySyntaxError(`expected a double-quoted scope like "<compartment OCID>/<log group>/<log>" but found ${describe(tok)}`);
    pos++;
    const parts = tok.v.split('/');
    if (parts.length > 3 || parts.some((p) => p.trim() === '')) throw new QuerySyntaxError(`bad scope "${tok.v}": use "<compartment>[/<log group>[/<log>]]"`);
    const [compartment = '', group, log] = parts.map((p) => p.trim());
    scopes.push({ compartment, ...(group === undefined ? {} : { group }), ...(log === undefined ? {} : { log }) });
    if (peek()?.t === 'punct' && peek()?.v === ',') {
      pos++;
      continue;
    }
    break;
  }

  let where: Expr | undefined;
  let sort: 'asc' | 'desc' | undefined;
  let limit: number | undefined;

  const parsePrimary = (): Expr => {
    const tok = peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = parseOr();
      const close = peek();
      if (close?.t !== 'punct' || close.v !== ')') throw new QuerySyntaxError(`expected ")" but found ${describe(close)}`);
      pos++;
      return inner;
    }
    if (isWord(tok, 'not')) {
      pos++;
      return { kind: 'not', expr: parsePrimary() };
    }
    if (tok?.t !== 'word' && tok?.t !== 'qstr') throw new QuerySyntaxError(`expected a field name but found ${describe(tok)}`);
    pos++;
    const op = peek();
    if (op?.t !== 'op') throw new QuerySyntaxError(`expected a comparison (=, !=, >, <, >=, <=) after ${tok.v} but found ${describe(op)}`);
    pos++;
    const lit = peek();
    if (lit?.t === 'str') {
      pos++;
      return { kind: 'cmp', field: tok.v, op: op.v as '=', value: lit.v };
    }
    if (lit?.t === 'num') {
      pos++;
      return { kind: 'cmp', field: tok.v, op: op.v as '=', value: Number(lit.v) };
    }
    throw new QuerySyntaxError(`expected a single-quoted string or a number after ${tok.v} ${op.v} but found ${describe(lit)}`);
  };
  const parseAnd = (): Expr => {
    let left = parsePrimary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parseOr = (): Expr => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };

  while (pos < tokens.length) {
    const bar = peek();
    if (bar?.t !== 'punct' || bar.v !== '|') throw new QuerySyntaxError(`expected "|" but found ${describe(bar)}`);
    pos++;
    const clause = peek();
    if (isWord(clause, 'where')) {
      pos++;
      const expr = parseOr();
      where = where ? { kind: 'and', left: where, right: expr } : expr;
    } else if (isWord(clause, 'sort')) {
      pos++;
      expectWord('by');
      const field = peek();
      if (!isWord(field, 'datetime') && !isWord(field, 'time')) throw new QuerySyntaxError(`the emulator sorts by datetime only, not ${describe(field)}`);
      pos++;
      sort = 'asc';
      if (isWord(peek(), 'desc')) {
        sort = 'desc';
        pos++;
      } else if (isWord(peek(), 'asc')) pos++;
    } else if (isWord(clause, 'limit')) {
      pos++;
      const n = peek();
      if (n?.t !== 'num' || !Number.isInteger(Number(n.v)) || Number(n.v) < 0) throw new QuerySyntaxError(`limit needs a whole number, found ${describe(n)}`);
      pos++;
      limit = Number(n.v);
    } else {
      throw new QuerySyntaxError(`expected where, sort by or limit after "|" but found ${describe(clause)}`);
    }
  }
  return { scopes, where, sort, limit };
}

/** What an expression is evaluated against: the entry as search returns it. */
export interface Searchable {
  id: string;
  source: string;
  type: string;
  subject?: string | undefined;
  time: number;
  /** The raw data string as sent. */
  rawData: string;
  /** The data as search returns it: the JSON object, or {message}. */
  data: unknown;
}

const regexCache = new Map<string, RegExp>();
function wildcard(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`, 'i');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

function fieldValue(entry: Searchable, field: string): unknown {
  const f = field.toLowerCase();
  if (f === 'id') return entry.id;
  if (f === 'source') return entry.source;
  if (f === 'type') return entry.type;
  if (f === 'subject') return entry.subject;
  if (f === 'time' || f === 'datetime') return entry.time;
  if (f.startsWith('data.')) {
    let v: unknown = entry.data;
    for (const part of field.slice(5).split('.')) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[part];
    }
    return v;
  }
  return undefined;
}

function compare(actual: unknown, op: string, expected: string | number): boolean {
  if (actual === undefined || actual === null) return op === '!=';
  if (op === '=' || op === '!=') {
    const text = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
    const eq = typeof expected === 'number' ? Number(text) === expected : wildcard(expected).test(text);
    return op === '=' ? eq : !eq;
  }
  const a = typeof actual === 'number' ? actual : Number(actual);
  const b = typeof expected === 'number' ? expected : Number(expected);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
}

export function matches(expr: Expr | undefined, entry: Searchable): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, entry) && matches(expr.right, entry);
    case 'or':
      return matches(expr.left, entry) || matches(expr.right, entry);
    case 'not':
      return !matches(expr.expr, entry);
    case 'cmp': {
      if (expr.field.toLowerCase() === 'logcontent') {
        if (typeof expr.value !== 'string') return false;
        const re = wildcard(expr.value);
        const hit = re.test(entry.rawData) || re.test(JSON.stringify({ data: entry.data, id: entry.id, source: entry.source, subject: entry.subject, type: entry.type }));
        return expr.op === '!=' ? !hit : expr.op === '=' ? hit : false;
      }
      return compare(fieldValue(entry, expr.field), expr.op, expr.value);
    }
  }
}

import type { AggregateName, BinaryOp, Expr, Named, Operator, Query, Scope } from './ast.js';
import { SCALAR_FUNCTIONS, formatTime } from './functions.js';
import { INTERVAL_MS, tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { QueryError } from './query-error.js';
import { Interval, Pattern } from './values.js';

/** Parentheses, calls, arrays and unary operators nested deeper than this are refused (a 400, never a stack overflow). */
export const MAX_NESTING = 200;
/** Expression trees deeper than this (e.g. a chain of thousands of `+`) are refused too. */
export const MAX_EXPR_DEPTH = 400;

const AGGREGATES: ReadonlySet<string> = new Set<AggregateName>(['count', 'sum', 'avg', 'min', 'max', 'first', 'last']);

const OPERATORS = new Set(['where', 'top', 'sort', 'dedup', 'select', 'extend', 'count', 'summarize']);
/** Words that cannot start a field name without quotes. */
const RESERVED = new Set(['and', 'or', 'not', 'by', 'as', 'asc', 'desc', 'true', 'false', 'null']);

const INTERVAL_TEXT = /^([0-9]+)(d|h|m|s)$/;

function describe(tok: Token): string {
  if (tok.kind === 'eof') return 'the end of the query';
  if (tok.kind === 'string') return `the string '${tok.text}'`;
  if (tok.kind === 'dquoted') return `"${tok.text}"`;
  if (tok.kind === 'param') return `$${tok.text}`;
  return `"${tok.text}"`;
}

/** The milliseconds of a rounddown interval: an interval literal (5m) or a string ('5m'). */
export function intervalArg(e: Expr): number | undefined {
  if (e.kind !== 'literal') return undefined;
  if (e.value instanceof Interval) return e.value.ms;
  if (typeof e.value === 'string') {
    const m = INTERVAL_TEXT.exec(e.value.trim());
    if (m) return Number(m[1]) * (INTERVAL_MS[m[2] ?? 's'] ?? 0);
  }
  return undefined;
}

class Parser {
  private pos = 0;
  private nesting = 0;
  private allowAggregates = false;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** The end offset of the last token consumed. */
  private lastEnd(): number {
    return this.pos === 0 ? 0 : (this.tokens[this.pos - 1]?.end ?? 0);
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === p;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }

  private fail(what: string, tok: Token = this.peek()): never {
    throw new QueryError(`expected ${what} but found ${describe(tok)}`, tok.at);
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`"${word}"`);
    this.pos++;
  }

  private expectPunct(p: string, what = `"${p}"`): void {
    if (!this.isPunct(p)) this.fail(what);
    this.pos++;
  }

  private nested<T>(at: number, parse: () => T): T {
    if (++this.nesting > MAX_NESTING) throw new QueryError(`the query nests more than ${MAX_NESTING} levels deep`, at);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  parse(): Query {
    const params = new Map<string, { expr: Expr; at: number }>();
    while (this.peek().kind === 'param') {
      const tok = this.next();
      let name = tok.text;
      if (name === 'query') {
        if (!this.isPunct('.')) throw new QueryError('$query is reserved: set $query.from or $query.to', tok.at);
        this.pos++;
        const sub = this.next();
        if (sub.kind !== 'ident' || (sub.text !== 'from' && sub.text !== 'to')) throw new QueryError('the only system parameters are $query.from and $query.to', sub.at);
        name = `query.${sub.text}`;
      }
      if (!this.isOp('=')) this.fail(`"=" after $${name} (a parameter is set as $name = value;)`);
      this.pos++;
      const expr = this.expression();
      outsideAggregates(expr, (e) => {
        if (e.kind === 'field') throw new QueryError(`a parameter's value is a constant: $${name} cannot read the field ${e.path.join('.')}`, e.at);
      });
      if (params.has(name)) throw new QueryError(`$${name} is set twice`, tok.at);
      params.set(name, { expr, at: tok.at });
      this.expectPunct(';', '";" after the parameter');
    }
    if (!this.isWord('search')) this.fail(params.size > 0 ? '"search" (or another $parameter = value;)' : '"search"');
    this.pos++;
    const scopes = this.scopes();
    const operators: Operator[] = [];
    while (this.isPunct('|')) {
      this.pos++;
      operators.push(this.operator());
    }
    if (this.isPunct(';')) this.pos++;
    if (this.peek().kind !== 'eof') this.fail(operators.length === 0 && scopes.length > 0 ? '"|", "," or another scope' : '"|" or the end of the query');
    return { params, scopes, operators };
  }

  private scopes(): Scope[] {
    const scopes: Scope[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok.kind !== 'dquoted') this.fail('a double-quoted scope like "<compartment OCID>/<log group>/<log>"');
      this.pos++;
      const parts = tok.text.split('/').map((p) => p.trim());
      if (parts.length > 3 || parts.some((p) => p === '')) throw new QueryError(`bad scope "${tok.text}": use "<compartment>[/<log group>[/<log>]]"`, tok.at);
      const [compartment = '', group, log] = parts;
      scopes.push({ compartment, ...(group === undefined ? {} : { group }), ...(log === undefined ? {} : { log }) });
      // The comma between streams is optional.
      if (this.isPunct(',')) {
        this.pos++;
        continue;
      }
      if (this.peek().kind === 'dquoted') continue;
      return scopes;
    }
  }

  private operator(): Operator {
    const tok = this.peek();
    const word = tok.kind === 'ident' ? tok.text.toLowerCase() : '';
    const endsHere = (o: number): boolean => this.isPunct('|', o) || this.isPunct(';', o) || this.peek(o).kind === 'eof';
    if (!OPERATORS.has(word) || (word === 'count' && !endsHere(1))) {
      // `where` is optional: `| level = 'ERROR'`.
      if (tok.kind === 'eof' || this.isPunct('|')) this.fail('an operator (where, top, sort, dedup, select, extend, count, summarize) or a condition');
      return { kind: 'where', cond: this.expression() };
    }
    this.pos++;
    switch (word) {
      case 'where':
        return { kind: 'where', cond: this.expression() };
      case 'top': {
        const n = this.peek();
        if (n.kind !== 'number' || !/^[0-9]+$/.test(n.text) || Number(n.text) < 1) this.fail('a whole number of rows after top (top 10 by datetime)');
        this.pos++;
        this.expectWord('by');
        if (this.isOp('*')) {
          this.pos++;
          return { kind: 'top', count: Number(n.text), by: 'all' };
        }
        return { kind: 'top', count: Number(n.text), by: this.expression() };
      }
      case 'sort': {
        this.expectWord('by');
        const keys: Array<{ expr: Expr; desc: boolean }> = [];
        do {
          if (keys.length > 0) this.pos++;
          const expr = this.expression();
          let desc = false;
          if (this.isWord('desc')) {
            desc = true;
            this.pos++;
          } else if (this.isWord('asc')) this.pos++;
          keys.push({ expr, desc });
        } while (this.isPunct(','));
        return { kind: 'sort', keys };
      }
      case 'dedup': {
        const keys = [this.expression()];
        while (this.isPunct(',')) {
          this.pos++;
          keys.push(this.expression());
        }
        return { kind: 'dedup', keys };
      }
      case 'select': {
        const items: Array<Named | 'all'> = [];
        do {
          if (items.length > 0) this.pos++;
          if (this.isOp('*')) {
            this.pos++;
            items.push('all');
          } else items.push(this.named());
        } while (this.isPunct(','));
        return { kind: 'select', items };
      }
      case 'extend':
        return { kind: 'extend', item: this.named() };
      case 'count':
        return { kind: 'count' };
      default:
        return this.summarize(tok);
    }
  }

  private summarize(tok: Token): Operator {
    const items: Named[] = [];
    if (!this.isWord('by')) {
      this.allowAggregates = true;
      try {
        do {
          if (items.length > 0) this.pos++;
          items.push(this.named());
        } while (this.isPunct(','));
      } finally {
        this.allowAggregates = false;
      }
      for (const item of items) outsideAggregates(item.expr, (e) => {
        if (e.kind === 'field') throw new QueryError(`summarize: ${e.path.join('.')} is outside an aggregate (count, sum, avg, min, max, first, last); group by it with "by"`, e.at);
      });
    }
    const by: Named[] = [];
    if (this.isWord('by')) {
      this.pos++;
      do {
        if (by.length > 0) this.pos++;
        by.push(this.named());
      } while (this.isPunct(','));
    }
    if (items.length === 0 && by.length === 0) throw new QueryError('summarize needs aggregates (count(), sum(x), …) or "by"', tok.at);
    return { kind: 'summarize', items, by };
  }

  /** `<expr> (as <identifier>)?`, named by the alias or after the expression. */
  private named(): Named {
    const start = this.peek().at;
    const expr = this.expression();
    const source = this.text.slice(start, this.lastEnd());
    if (this.isWord('as')) {
      this.pos++;
      const t = this.next();
      if (t.kind !== 'ident' && t.kind !== 'dquoted') this.fail('a name after "as"', t);
      if (t.text === '') throw new QueryError('a name cannot be empty', t.at);
      return { expr, name: t.text };
    }
    return { expr, name: defaultName(expr, source) };
  }

  expression(): Expr {
    const e = this.or();
    checkDepth(e);
    return e;
  }

  private or(): Expr {
    const first = this.and();
    if (!this.isWord('or')) return first;
    const args = [first];
    while (this.isWord('or')) {
      this.pos++;
      args.push(this.and());
    }
    return { kind: 'logical', op: 'or', args, at: first.at };
  }

  private and(): Expr {
    const first = this.not();
    if (!this.isWord('and')) return first;
    const args = [first];
    while (this.isWord('and')) {
      this.pos++;
      args.push(this.not());
    }
    return { kind: 'logical', op: 'and', args, at: first.at };
  }

  private not(): Expr {
    if (this.isWord('not')) {
      const tok = this.next();
      return this.nested(tok.at, () => ({ kind: 'not', arg: this.not(), at: tok.at }));
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.pos++;
      const right = this.additive();
      const op = t.text as BinaryOp;
      // A '*' in a string compared with = or != is a wildcard, as in logContent = '*ERROR*'.
      const asPattern = (e: Expr): Expr => (e.kind === 'literal' && typeof e.value === 'string' && e.value.includes('*') ? { ...e, value: new Pattern(e.value) } : e);
      const eq = op === '=' || op === '!=';
      const cmp: Expr = { kind: 'binary', op, left: eq ? asPattern(left) : left, right: eq ? asPattern(right) : right, at: t.at };
      const after = this.peek();
      if (after.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(after.text)) {
        throw new QueryError(`comparisons do not chain: put parentheses around one of them, or join them with and`, after.at);
      }
      return cmp;
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.pos++;
      left = { kind: 'binary', op: t.text, left, right: this.multiplicative(), at: t.at };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/')) return left;
      this.pos++;
      left = { kind: 'binary', op: t.text, left, right: this.unary(), at: t.at };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.pos++;
      return this.nested(t.at, () => {
        const arg = this.unary();
        if (t.text === '+') return arg;
        // -5 is a literal; -(expr) negates.
        if (arg.kind === 'literal' && typeof arg.value === 'number') return { kind: 'literal', value: -arg.value, at: t.at };
        return { kind: 'neg', arg, at: t.at };
      });
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.pos++;
        return { kind: 'literal', value: t.value ?? Number(t.text), at: t.at };
      case 'interval':
        this.pos++;
        return { kind: 'literal', value: new Interval(t.value ?? 0), at: t.at };
      case 'string':
        this.pos++;
        if (this.peek().kind === 'string') {
          throw new QueryError("two strings in a row: a quote inside a string is written \\' (as in 'it\\'s'), not doubled", this.peek().at);
        }
        return { kind: 'literal', value: t.text, at: t.at };
      case 'param':
        return this.param();
      case 'dquoted':
        if (t.text.includes('*')) {
          this.pos++;
          return { kind: 'literal', value: new Pattern(t.text), at: t.at };
        }
        return this.field();
      case 'punct':
        if (t.text === '(') {
          this.pos++;
          return this.nested(t.at, () => {
            const inner = this.or();
            this.expectPunct(')');
            return inner;
          });
        }
        if (t.text === '[') return this.array();
        break;
      case 'ident': {
        const word = t.text.toLowerCase();
        if (this.isPunct('(', 1)) return this.call();
        if (word === 'true' || word === 'false') {
          this.pos++;
          return { kind: 'literal', value: word === 'true', at: t.at };
        }
        if (word === 'null') {
          this.pos++;
          return { kind: 'literal', value: null, at: t.at };
        }
        if (RESERVED.has(word)) break;
        return this.field();
      }
      default:
        break;
    }
    return this.fail('a field, a value or "("');
  }

  private array(): Expr {
    const open = this.next();
    return this.nested(open.at, () => {
      const items: Expr[] = [];
      if (!this.isPunct(']')) {
        do {
          if (items.length > 0) this.pos++;
          items.push(this.or());
        } while (this.isPunct(','));
      }
      this.expectPunct(']', '"," or "]"');
      return { kind: 'array', items, at: open.at };
    });
  }

  private name(): string {
    const t = this.next();
    if (t.kind === 'ident' || t.kind === 'dquoted') return t.text;
    return this.fail('a field name', t);
  }

  private field(): Expr {
    const at = this.peek().at;
    const path = [this.name()];
    while (this.isPunct('.')) {
      this.pos++;
      path.push(this.name());
    }
    return { kind: 'field', path, at };
  }

  private param(): Expr {
    const t = this.next();
    const path: string[] = [];
    while (this.isPunct('.')) {
      this.pos++;
      path.push(this.name());
    }
    if (t.text === 'query') {
      const sub = path.shift();
      if (sub !== 'from' && sub !== 'to') throw new QueryError('the only system parameters are $query.from and $query.to', t.at);
      return { kind: 'param', name: `query.${sub}`, path, at: t.at };
    }
    return { kind: 'param', name: t.text, path, at: t.at };
  }

  private call(): Expr {
    const t = this.next();
    const name = t.text.toLowerCase();
    this.pos++; // (
    return this.nested(t.at, () => {
      if (AGGREGATES.has(name)) {
        if (!this.allowAggregates) throw new QueryError(`${name}() is an aggregate: use it in summarize (or | count to count rows)`, t.at);
        this.allowAggregates = false;
        try {
          if (this.isPunct(')')) {
            this.pos++;
            if (name !== 'count') throw new QueryError(`${name}() needs an argument`, t.at);
            return { kind: 'aggregate', name: name as AggregateName, arg: undefined, at: t.at };
          }
          const arg = this.or();
          this.expectPunct(')', `")" (${name} takes one argument)`);
          return { kind: 'aggregate', name: name as AggregateName, arg, at: t.at };
        } finally {
          this.allowAggregates = true;
        }
      }
      const arity = Object.hasOwn(SCALAR_FUNCTIONS, name) ? SCALAR_FUNCTIONS[name]?.arity : undefined;
      if (!arity) throw new QueryError(`unknown function ${t.text}() (functions: ${Object.keys(SCALAR_FUNCTIONS).join(', ')}; aggregates in summarize: ${[...AGGREGATES].join(', ')})`, t.at);
      const args: Expr[] = [];
      if (!this.isPunct(')')) {
        do {
          if (args.length > 0) this.pos++;
          args.push(this.or());
        } while (this.isPunct(','));
      }
      this.expectPunct(')', '"," or ")"');
      const [fewest, most] = arity;
      if (args.length < fewest || (most !== -1 && args.length > most)) {
        const wants = most === -1 ? `at least ${fewest}` : fewest === most ? `${fewest}` : `${fewest} or ${most}`;
        throw new QueryError(`${name}() takes ${wants} argument${wants === '1' ? '' : 's'}, not ${args.length}`, t.at);
      }
      checkArguments(name, args, t.at);
      return { kind: 'call', name, args, at: t.at };
    });
  }
}

/** Arguments the spec fixes to constants. */
function checkArguments(name: string, args: Expr[], at: number): void {
  if (name === 'rounddown' && intervalArg(args[1] as Expr) === undefined) {
    throw new QueryError("rounddown() takes an interval as its second argument: '5m', '1h', '1d', '30s' (digits and d, h, m or s)", args[1]?.at ?? at);
  }
  if (name === 'substr') {
    for (const a of args.slice(1)) {
      if (a.kind !== 'literal' || typeof a.value !== 'number' || !Number.isInteger(a.value) || a.value < 0) {
        throw new QueryError('substr() takes whole numbers for its start and length: substr(data.msg, 0, 10)', a.at);
      }
    }
  }
  if (name === 'time_format') {
    const format = args[1];
    if (format?.kind !== 'literal' || typeof format.value !== 'string') {
      throw new QueryError("time_format() takes a format string as its second argument: time_format(datetime, 'yyyy-MM-dd HH:mm')", format?.at ?? at);
    }
    try {
      formatTime(0, format.value);
    } catch (err) {
      throw new QueryError((err as Error).message, format.at);
    }
  }
  if ((name === 'contains_ci' || name === 'contains_cs') && args[2] !== undefined && (args[2].kind !== 'literal' || typeof args[2].value !== 'boolean')) {
    throw new QueryError(`${name}() takes true or false as its third argument`, args[2].at);
  }
}

/** Calls `visit` on every node outside aggregate calls (iteratively: trees can be deep). */
function outsideAggregates(root: Expr, visit: (e: Expr) => void): void {
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    visit(e);
    // one by one: a call can have more arguments than a spread may pass
    for (const c of children(e)) stack.push(c);
  }
}

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'neg':
    case 'not':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'logical':
      return e.args;
    case 'array':
      return e.items;
    case 'call':
      return e.args;
    default:
      return [];
  }
}

function checkDepth(root: Expr): void {
  const stack: Array<[Expr, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [e, depth] = stack.pop() as [Expr, number];
    if (depth > MAX_EXPR_DEPTH) throw new QueryError(`the expression is more than ${MAX_EXPR_DEPTH} levels deep`, e.at);
    for (const c of children(e)) stack.push([c, depth + 1]);
    if (e.kind === 'aggregate' && e.arg) stack.push([e.arg, depth + 1]);
  }
}

/**
 * The column name of an expression without `as`: a field's path
 * (data.level), count() as "count", other aggregates as written (sum(x)), a
 * function of a field after that field (rounddown(datetime, '5m') is
 * "datetime", as the service names it), anything else as written.
 */
function defaultName(expr: Expr, source: string): string {
  const written = source.replace(/\s+/g, ' ').trim();
  switch (expr.kind) {
    case 'field':
      return expr.path.join('.');
    case 'param':
      return ['$' + expr.name, ...expr.path].join('.');
    case 'aggregate':
      return expr.name === 'count' && expr.arg === undefined ? 'count' : written;
    case 'call': {
      const first = expr.args[0];
      return first?.kind === 'field' ? first.path.join('.') : written;
    }
    default:
      return written;
  }
}

/** Parses a whole query; throws QueryError naming the problem and its position. */
export function parseQuery(text: string): Query {
  return new Parser(text, tokenize(text)).parse();
}

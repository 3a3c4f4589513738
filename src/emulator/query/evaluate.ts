import type { Expr } from './ast.js';
import { SCALAR_FUNCTIONS } from './functions.js';
import { intervalArg } from './parser.js';
import { checkValueSize } from './limits.js';
import { QueryError } from './query-error.js';
import { descend } from './rows.js';
import type { Row } from './rows.js';
import { Interval, Pattern, Timestamp, compare, equals, isNull, toNumber, wildcard } from './values.js';
import type { Value } from './values.js';

/** An expression compiled to a function of a row. */
export type Compiled = (row: Row) => Value;

export interface Env {
  /** `$name` and `query.from`/`query.to` values. */
  params: ReadonlyMap<string, Value>;
  /** Inside summarize: the value of an aggregate call for the group being finished. */
  aggregate?: (node: Expr) => Value;
}

/** Conditions keep a row only when they are exactly true. */
export function truthy(v: Value): boolean {
  return v === true;
}

function arithmetic(op: '+' | '-' | '*' | '/', a: Value, b: Value): Value {
  if (isNull(a) || isNull(b)) return null;
  if (a instanceof Timestamp || b instanceof Timestamp || a instanceof Interval || b instanceof Interval) {
    const ms = (v: Value): number | undefined => (v instanceof Timestamp || v instanceof Interval ? v.ms : toNumber(v));
    const x = ms(a);
    const y = ms(b);
    if (x === undefined || y === undefined) return null;
    if (op === '+') return a instanceof Timestamp || b instanceof Timestamp ? new Timestamp(x + y) : new Interval(x + y);
    if (op === '-') {
      if (a instanceof Timestamp && b instanceof Timestamp) return new Interval(x - y);
      return a instanceof Timestamp ? new Timestamp(x - y) : new Interval(x - y);
    }
    if (op === '*') return new Interval(x * y);
    return y === 0 ? null : b instanceof Interval ? x / y : new Interval(x / y);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === undefined || y === undefined) return null;
  const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : y === 0 ? NaN : x / y;
  return Number.isFinite(r) ? r : null;
}

const isLogContent = (e: Expr): boolean => e.kind === 'field' && e.path.length === 1 && e.path[0] === 'logContent';

/** How `logContent = X` tests one text: X's own rule, decided once when X is a constant. */
function textTest(wanted: Value): (text: string) => boolean {
  if (wanted instanceof Pattern) {
    return wildcard(wanted.text);
  }
  if (typeof wanted === 'string') {
    const lower = wanted.toLowerCase();
    return (text) => text.length === wanted.length && (text === wanted || text.toLowerCase() === lower);
  }
  return (text) => equals(text, wanted);
}

/**
 * `logContent = 'X'`: some value of the entry matches X (a wildcard if it
 * holds *); `'*X*'` finds X anywhere in a value.
 */
function fullTextMatch(other: Expr, env: Env): Compiled {
  if (other.kind === 'literal') {
    const test = textTest(other.value);
    return (row) => row.someText(test);
  }
  const value = compile(other, env);
  return (row) => row.someText(textTest(value(row)));
}

/** Compiles an expression (the tree depth is bounded by the parser, so recursion here is safe). */
export function compile(expr: Expr, env: Env): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'field': {
      const path = expr.path;
      return (row) => row.get(path);
    }
    case 'param': {
      if (!env.params.has(expr.name)) throw new QueryError(`$${expr.name} is not set (set it first: $${expr.name} = …;)`, expr.at);
      const value = descend(env.params.get(expr.name), expr.path);
      return () => value;
    }
    case 'neg': {
      const arg = compile(expr.arg, env);
      return (row) => arithmetic('-', 0, arg(row));
    }
    case 'not': {
      const arg = compile(expr.arg, env);
      return (row) => !truthy(arg(row));
    }
    case 'logical': {
      const args = expr.args.map((a) => compile(a, env));
      if (expr.op === 'and') return (row) => args.every((a) => truthy(a(row)));
      return (row) => args.some((a) => truthy(a(row)));
    }
    case 'array': {
      checkValueSize('an array literal', expr.items.length);
      // [1, 2, 3] is made once, not once a row
      if (expr.items.every((i) => i.kind === 'literal')) {
        const value = expr.items.map((i) => (i.kind === 'literal' ? i.value : null));
        return () => value;
      }
      const items = expr.items.map((i) => compile(i, env));
      return (row) => items.map((i) => i(row));
    }
    case 'binary': {
      const { op } = expr;
      if ((op === '=' || op === '!=') && (isLogContent(expr.left) || isLogContent(expr.right))) {
        const match = fullTextMatch(isLogContent(expr.left) ? expr.right : expr.left, env);
        return op === '=' ? match : (row) => !match(row);
      }
      const left = compile(expr.left, env);
      const right = compile(expr.right, env);
      switch (op) {
        case '=':
          return (row) => equals(left(row), right(row));
        case '!=':
          return (row) => !equals(left(row), right(row));
        case '<':
          return (row) => (compare(left(row), right(row)) ?? NaN) < 0;
        case '<=':
          return (row) => (compare(left(row), right(row)) ?? NaN) <= 0;
        case '>':
          return (row) => (compare(left(row), right(row)) ?? NaN) > 0;
        case '>=':
          return (row) => (compare(left(row), right(row)) ?? NaN) >= 0;
        default:
          return (row) => arithmetic(op, left(row), right(row));
      }
    }
    case 'call': {
      const fn = Object.hasOwn(SCALAR_FUNCTIONS, expr.name) ? SCALAR_FUNCTIONS[expr.name] : undefined;
      if (!fn) throw new QueryError(`unknown function ${expr.name}()`, expr.at);
      if (expr.name === 'rounddown') {
        const value = compile(expr.args[0] as Expr, env);
        const step = intervalArg(expr.args[1] as Expr) ?? 0;
        return (row) => fn.call([value(row), step]);
      }
      const args = expr.args.map((a) => compile(a, env));
      return (row) => fn.call(args.map((a) => a(row)));
    }
    case 'aggregate': {
      const resolve = env.aggregate;
      if (!resolve) throw new QueryError(`${expr.name}() is an aggregate: use it in summarize`, expr.at);
      return () => resolve(expr);
    }
  }
}

import { accumulator } from './aggregates.js';
import type { Accumulator } from './aggregates.js';
import type { Expr, Operator } from './ast.js';
import { compile, truthy } from './evaluate.js';
import type { Env } from './evaluate.js';
import { KeptBudget } from './limits.js';
import { children } from './parser.js';
import { EntryRow, PlainRow } from './rows.js';
import type { Row } from './rows.js';
import { isNull, keyOf, order } from './values.js';
import type { Value } from './values.js';

interface SortKey {
  fn: (r: Row) => Value;
  desc: boolean;
  /** The key is an entry's datetime: entries of the same millisecond are ordered by id. */
  datetime: boolean;
}

function sortKey(expr: Expr, desc: boolean, env: Env): SortKey {
  return { fn: compile(expr, env), desc, datetime: expr.kind === 'field' && expr.path.length === 1 && expr.path[0] === 'datetime' };
}

const entryId = (row: Row): string => (row instanceof EntryRow ? row.entry.id : '');

/**
 * Sorts rows by keys, `desc` per key, stably: rows equal on every key keep the
 * stream's order, except that entries of the same datetime are ordered by
 * their ids in the key's direction (the order they were written in, for
 * oci-log's ids), so "sort by datetime desc" puts the last written first.
 */
function sortRows(rows: readonly Row[], keys: SortKey[]): Row[] {
  const decorated = rows.map((row, i) => ({ row, i, k: keys.map((key) => key.fn(row)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j] as SortKey;
      let c = order(a.k[j], b.k[j]);
      if (c === 0 && key.datetime) {
        const x = entryId(a.row);
        const y = entryId(b.row);
        c = x < y ? -1 : x > y ? 1 : 0;
      }
      if (c !== 0) return key.desc ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.row);
}

function aggregatesIn(items: readonly Expr[]): Expr[] {
  const found: Expr[] = [];
  const stack = [...items];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === 'aggregate') found.push(e);
    else for (const c of children(e)) stack.push(c); // not a spread: a call can have 100,000s of arguments
  }
  return found;
}

/** A value the expression computes (its size is new memory), rather than one it reads from a row or the query. */
const computes = (e: Expr): boolean => e.kind !== 'field' && e.kind !== 'literal' && e.kind !== 'param';

function summarize(rows: readonly Row[], op: Extract<Operator, { kind: 'summarize' }>, env: Env, budget: KeptBudget): Row[] {
  const by = op.by.map((b) => compile(b.expr, env));
  const nodes = aggregatesIn(op.items.map((i) => i.expr));
  const args = nodes.map((n) => (n.kind === 'aggregate' && n.arg ? compile(n.arg, env) : undefined));
  const groups = new Map<string, { keys: Value[]; accs: Accumulator[] }>();
  const newGroup = (keys: Value[]): { keys: Value[]; accs: Accumulator[] } => ({
    keys,
    accs: nodes.map((n) => accumulator(n.kind === 'aggregate' ? n.name : 'count')),
  });
  for (const row of rows) {
    const keys = by.map((f) => f(row));
    const id = keys.map(keyOf).join('\u0000');
    let group = groups.get(id);
    if (!group) {
      budget.checkGroups(groups.size + 1);
      budget.keep(id, true, 'summarize');
      group = newGroup(keys);
      groups.set(id, group);
    }
    for (let i = 0; i < nodes.length; i++) {
      const arg = args[i];
      group.accs[i]?.add(arg ? arg(row) : true);
    }
  }
  // Without "by", the whole stream is one group, even when it is empty (count() is 0).
  if (by.length === 0 && groups.size === 0) groups.set('', newGroup([]));

  let current = new Map<Expr, Value>();
  const itemEnv: Env = { ...env, aggregate: (node) => current.get(node) ?? null };
  const items = op.items.map((i) => ({ name: i.name, fn: compile(i.expr, itemEnv) }));
  const out: Row[] = [];
  const empty = new PlainRow(new Map());
  for (const group of groups.values()) {
    current = new Map(nodes.map((n, i) => [n, group.accs[i]?.result() ?? null]));
    const cols = new Map<string, Value>();
    op.by.forEach((b, i) => cols.set(b.name, group.keys[i] ?? null));
    for (const [i, item] of items.entries()) {
      const value = item.fn(empty);
      budget.keep(value, computes(op.items[i]?.expr as Expr), 'summarize');
      cols.set(item.name, value);
    }
    out.push(new PlainRow(cols));
  }
  return out;
}

/** Runs the operators over the stream, in order; what it keeps is counted against the budget (QUERY_LIMITS). */
export function execute(operators: readonly Operator[], input: Row[], env: Env, budget = new KeptBudget()): Row[] {
  let rows = input;
  for (const op of operators) {
    switch (op.kind) {
      case 'where': {
        const cond = compile(op.cond, env);
        rows = rows.filter((r) => truthy(cond(r)));
        break;
      }
      case 'top':
        // top N by x: the N rows with the greatest x (the spec's example lists the highest impact first).
        rows = (op.by === 'all' ? rows : sortRows(rows, [sortKey(op.by, true, env)])).slice(0, op.count);
        break;
      case 'sort':
        rows = sortRows(
          rows,
          op.keys.map((k) => sortKey(k.expr, k.desc, env)),
        );
        break;
      case 'dedup': {
        const keys = op.keys.map((k) => compile(k, env));
        const seen = new Set<string>();
        rows = rows.filter((r) => {
          const values = keys.map((k) => k(r));
          // The spec's example drops the rows that have no value for a key.
          if (values.some(isNull)) return false;
          const id = values.map(keyOf).join('\u0000');
          if (seen.has(id)) return false;
          budget.keep(id, true, 'dedup');
          seen.add(id);
          return true;
        });
        break;
      }
      case 'select': {
        const items = op.items.map((i) => (i === 'all' ? 'all' : { name: i.name, fn: compile(i.expr, env), computed: computes(i.expr) }));
        rows = rows.map((r) => {
          const cols = new Map<string, Value>();
          for (const item of items) {
            if (item === 'all') {
              for (const [k, v] of r.columns()) {
                budget.keep(v, false, 'select');
                cols.set(k, v);
              }
            } else {
              const value = item.fn(r);
              budget.keep(value, item.computed, 'select');
              cols.set(item.name, value);
            }
          }
          return new PlainRow(cols);
        });
        break;
      }
      case 'extend': {
        const { name } = op.item;
        const fn = compile(op.item.expr, env);
        const computed = computes(op.item.expr);
        rows = rows.map((r) => {
          const value = fn(r);
          budget.keep(value, computed, 'extend');
          return r.with(name, value);
        });
        break;
      }
      case 'count':
        rows = [new PlainRow(new Map([['count', rows.length]]))];
        break;
      case 'summarize':
        rows = summarize(rows, op, env, budget);
        break;
    }
  }
  return rows;
}

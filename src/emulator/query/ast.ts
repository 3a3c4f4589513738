import type { Value } from './values.js';

/** `search "<compartment>[/<log group>[/<log>]]"`: names or OCIDs. */
export interface Scope {
  compartment: string;
  group?: string;
  log?: string;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'literal'; value: Value; at: number }
  /** A field of the current row: `data.a."b c"`; `logContent` is one too. */
  | { kind: 'field'; path: string[]; at: number }
  /** `$name` or `$query.from` (path after the name). */
  | { kind: 'param'; name: string; path: string[]; at: number }
  | { kind: 'neg'; arg: Expr; at: number }
  | { kind: 'not'; arg: Expr; at: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: number }
  /** and/or chains are flat, so that a long generated chain is not a deep tree. */
  | { kind: 'logical'; op: 'and' | 'or'; args: Expr[]; at: number }
  | { kind: 'array'; items: Expr[]; at: number }
  /** Scalar functions (lower-cased name). */
  | { kind: 'call'; name: string; args: Expr[]; at: number }
  /** Aggregate functions, in summarize only. `arg` is undefined for count(). */
  | { kind: 'aggregate'; name: AggregateName; arg: Expr | undefined; at: number };

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last';

/** An expression with the column name it produces. */
export interface Named {
  expr: Expr;
  name: string;
}

export type Operator =
  | { kind: 'where'; cond: Expr }
  | { kind: 'top'; count: number; by: Expr | 'all' }
  | { kind: 'sort'; keys: Array<{ expr: Expr; desc: boolean }> }
  | { kind: 'dedup'; keys: Expr[] }
  | { kind: 'select'; items: Array<Named | 'all'> }
  | { kind: 'extend'; item: Named }
  | { kind: 'count' }
  | { kind: 'summarize'; items: Named[]; by: Named[] };

export interface Query {
  /** `$name = <constant>;` statements before the search. */
  params: Map<string, { expr: Expr; at: number }>;
  scopes: Scope[];
  operators: Operator[];
}

import type { AggregateName } from './ast.js';
import { isNull, order, toNumber } from './values.js';
import type { Value } from './values.js';

/** One aggregate over one group's rows. */
export interface Accumulator {
  add(v: Value): void;
  result(): Value;
}

/**
 * count() counts rows (it is fed `true` for each); count(x) the non-null x;
 * sum and avg the values that are numbers (or numeric strings), null when
 * there are none; min and max in the order sort uses, nulls ignored; first
 * and last the first and last non-null value in the stream's order.
 */
export function accumulator(name: AggregateName): Accumulator {
  switch (name) {
    case 'count': {
      let n = 0;
      return { add: (v) => void (isNull(v) || n++), result: () => n };
    }
    case 'sum':
    case 'avg': {
      let sum = 0;
      let n = 0;
      return {
        add: (v) => {
          const x = toNumber(v);
          if (x !== undefined) {
            sum += x;
            n++;
          }
        },
        result: () => (n === 0 ? null : name === 'sum' ? sum : sum / n),
      };
    }
    case 'min':
    case 'max': {
      let best: Value = null;
      const sign = name === 'min' ? 1 : -1;
      return {
        add: (v) => {
          if (!isNull(v) && (isNull(best) || sign * order(v, best) < 0)) best = v;
        },
        result: () => best,
      };
    }
    case 'first': {
      let first: Value = null;
      return { add: (v) => void (isNull(first) && !isNull(v) && (first = v)), result: () => first };
    }
    case 'last': {
      let last: Value = null;
      return { add: (v) => void (isNull(v) || (last = v)), result: () => last };
    }
  }
}

/** The unit a bare number is read in, for a flag that took plain numbers before it took durations. */
export type BareUnit = 'ms' | 's';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms'];

const BARE = /^\d+(\.\d+)?$/;
const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;

/**
 * The one duration grammar of every time flag: a number with a unit, `250ms`,
 * `30s`, `1.5m`, `2h`, `3d`, `1w`, or several from the largest down, `1h30m`,
 * `2m30s`. A bare number (`30`, `0.2`) is read in `bareUnit`, the unit the flag
 * took before it took durations; without one, a bare number is not a duration.
 * Returns milliseconds (rounded), or undefined when `text` is not a duration.
 */
export function parseDuration(text: string, bareUnit?: BareUnit): number | undefined {
  const t = text.trim();
  if (BARE.test(t)) return bareUnit === undefined ? undefined : Math.round(Number(t) * UNIT_MS[bareUnit]);
  let total = 0;
  let last = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const m = PART.exec(t);
    if (!m) return undefined;
    const rank = ORDER.indexOf(m[2] as Unit);
    if (rank <= last) return undefined; // each unit once, largest first
    last = rank;
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
  }
  return t === '' ? undefined : Math.round(total);
}

/** Milliseconds as the grammar writes them, largest unit first: 90000 → "1m30s", 250 → "250ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ORDER) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * UNIT_MS[unit];
    }
  }
  return out;
}

import { UsageError } from '../../errors.js';

/** --run: an exec run's id, or `last` (the newest run in the log), `last~1` (the one before), … */
export type RunSelector = { id: string } | { back: number };

export function parseRunSelector(value: string): RunSelector {
  const m = /^last(?:~(\d{1,4}))?$/i.exec(value.trim());
  if (m) return { back: Number(m[1] ?? 0) };
  if (value.trim() === '') throw new UsageError('--run "": give a run id, or last (the newest run), last~1 (the one before), …');
  return { id: value.trim() };
}

/** When a run started, from its id (a UUIDv7 carries its millisecond in its first 48 bits), or undefined. */
export function runStartTime(id: string): number | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-/i.exec(id);
  if (!m) return undefined;
  const ms = parseInt(`${m[1]}${m[2]}`, 16);
  return Number.isFinite(ms) ? ms : undefined;
}

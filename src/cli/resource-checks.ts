import { UsageError } from '../errors.js';
import { displayNameProblem } from '../core/display-name.js';

/** --display-name (or a name in --log GROUP/LOG) checked as the service would, before any call. */
export function checkDisplayName(flag: string, name: string): string {
  const problem = displayNameProblem(name);
  if (problem) throw new UsageError(`--${flag} ${name === '' ? '""' : name}: ${problem}`);
  return name;
}

export function checkRetention(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isInteger(days) || days < 30 || days > 180 || days % 30 !== 0) {
    throw new UsageError(`--retention-duration ${String(days)}: must be 30, 60, 90, 120, 150 or 180 days`);
  }
  return days;
}

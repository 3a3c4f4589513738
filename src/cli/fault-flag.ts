import { parseDuration } from '../core/duration.js';
import { FaultError, FAULT_KINDS } from '../emulator/faults.js';
import type { FaultSpec } from '../emulator/faults.js';

/**
 * Parses one `--fault` flag into the admin endpoint's JSON form:
 * OP:WHAT[:N][:for=DURATION][:from=DURATION][:retry-after=SECONDS], where WHAT
 * is an HTTP status or a fault kind. E.g. putLogs:429:3, putLogs:503:for=90s,
 * putLogs:stall:for=20s:from=1m, createLogGroup:reset-after. The emulator
 * validates the result (makeFault); this only splits the words.
 */
export function parseFaultFlag(spec: string): FaultSpec {
  const [op = '', what = '', ...rest] = spec.split(':');
  if (what === '') throw new FaultError(`expected OP:STATUS or OP:KIND (${FAULT_KINDS.slice(1).join(', ')}), e.g. putLogs:503:for=90s`);
  const out: FaultSpec = { op, ...(/^\d+$/.test(what) ? { status: Number(what) } : { kind: what }) };
  const duration = (name: string, text: string): number => {
    const ms = parseDuration(text, 's');
    if (ms === undefined) throw new FaultError(`${name}=${text}: not a duration (like 250ms, 30s, 5m, 2h; a bare number is seconds)`);
    return ms;
  };
  for (const word of rest) {
    const eq = word.indexOf('=');
    const key = eq < 0 ? undefined : word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === undefined && /^\d+$/.test(word)) out.count = Number(word);
    else if (key === 'for') out.forMs = duration('for', value);
    else if (key === 'from') out.fromMs = duration('from', value);
    else if (key === 'retry-after' && /^\d+(\.\d+)?$/.test(value)) out.retryAfterSeconds = Number(value);
    else throw new FaultError(`${JSON.stringify(word)}: expected a count, for=DURATION, from=DURATION or retry-after=SECONDS`);
  }
  return out;
}

import { styleText } from 'node:util';

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

function set(v: string | undefined): boolean {
  return v !== undefined && v !== '';
}

/**
 * Whether to colour output: --color always/never decides; auto colours a
 * terminal, unless NO_COLOR is set (no-color.org) or TERM is dumb, and
 * FORCE_COLOR (other than 0 or false) colours a pipe too.
 */
export function wantColor(mode: ColorMode, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (mode !== 'auto') return mode === 'always';
  const force = env['FORCE_COLOR'];
  if (set(force)) return force !== '0' && force !== 'false';
  if (set(env['NO_COLOR'])) return false;
  return isTTY && env['TERM'] !== 'dumb';
}

export type Severity = 'error' | 'warn' | undefined;

const ERROR_WORDS = /^(err|error|fatal|crit|critical|alert|emerg|emergency|panic|severe)$/i;
const WARN_WORDS = /^(warn|warning)$/i;

/** How severe an entry says it is: data.level or data.severity (words, or pino's numbers: 40 warn, 50+ error), or an exec stderr line. */
export function severityOf(data: unknown, subject: string | undefined): Severity {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    for (const key of ['level', 'severity']) {
      const v = d[key];
      if (typeof v === 'string') {
        if (ERROR_WORDS.test(v.trim())) return 'error';
        if (WARN_WORDS.test(v.trim())) return 'warn';
      } else if (typeof v === 'number') {
        if (v >= 50) return 'error';
        if (v >= 40) return 'warn';
      }
    }
    if (d['stream'] === 'stderr' && typeof d['line'] === 'string') return 'error';
  }
  return subject === 'stderr' ? 'error' : undefined;
}

/** Node's own styleText, told not to second-guess the decision above (Node 22 checks the stream itself). */
export function paint(format: 'red' | 'yellow' | 'dim', text: string): string {
  return (styleText as (f: string, t: string, o?: object) => string)(format, text, { validateStream: false });
}

import { wantColor } from '../core/query/colors.js';
import type { CliIo } from './io.js';

/** A status line on stderr; every method is a no-op when stderr is not a terminal. */
export interface Spinner {
  update(text: string): void;
  /** Clears the spinner; prints `finalLine` (if any) as a normal stderr line. */
  stop(finalLine?: string): void;
}

const SILENT: Spinner = { update: () => undefined, stop: () => undefined };

/** Whether stderr is a terminal a person watches: not --quiet, not TERM=dumb, not CI. */
export function isInteractive(io: CliIo, quiet: boolean): boolean {
  return !quiet && io.stderr.isTTY === true && io.env['TERM'] !== 'dumb' && io.env['CI'] === undefined;
}

/**
 * Starts an ora spinner on stderr only when stderr is an interactive
 * terminal that says how wide it is; otherwise returns a silent one, so cron
 * mail and CI logs never see spinner frames. A terminal reporting 0 columns
 * (some pseudo-terminals) gets no spinner: ora cannot draw in no width.
 * Colour follows NO_COLOR. ora is loaded only when it will be shown.
 */
export async function startSpinner(io: CliIo, text: string, quiet: boolean): Promise<Spinner> {
  if (!isInteractive(io, quiet)) return SILENT;
  const columns = io.stderr.columns;
  if (columns === undefined || !(columns > 0)) {
    // A terminal with no width: no frames, but the final line still shows.
    return { update: () => undefined, stop: (finalLine) => finalLine !== undefined && io.stderr.write(`${finalLine}\n`) };
  }
  const { default: ora } = await import('ora');
  const spinner = ora(spinnerOptions(io, text)).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: (finalLine) => {
      spinner.stop();
      if (finalLine !== undefined) io.stderr.write(`${finalLine}\n`);
    },
  };
}

/** What ora is given: stderr, stdin left alone, and colour as query's terminal output has it (NO_COLOR, FORCE_COLOR). */
export function spinnerOptions(io: CliIo, text: string): { text: string; stream: CliIo['stderr']; discardStdin: false; isEnabled: true; color?: false } {
  const colour = wantColor('auto', true, io.env);
  return { text, stream: io.stderr, discardStdin: false, isEnabled: true, ...(colour ? {} : { color: false as const }) };
}

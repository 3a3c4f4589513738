import type { CliIo } from './io.js';

/** A status line on stderr; every method is a no-op when stderr is not a terminal. */
export interface Spinner {
  update(text: string): void;
  /** Clears the spinner; prints `finalLine` (if any) as a normal stderr line. */
  stop(finalLine?: string): void;
}

const SILENT: Spinner = { update: () => undefined, stop: () => undefined };

/**
 * Starts an ora spinner on stderr only when stderr is a TTY, TERM is not
 * "dumb", and --quiet is off; otherwise returns a silent one, so cron mail and
 * CI logs never see spinner frames. ora is loaded only when it will be shown.
 */
export async function startSpinner(io: CliIo, text: string, quiet: boolean): Promise<Spinner> {
  if (quiet || io.stderr.isTTY !== true || io.env['TERM'] === 'dumb' || io.env['CI'] !== undefined) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr, discardStdin: false, isEnabled: true }).start();
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

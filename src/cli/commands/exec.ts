import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { deliveryOptions, entryOptions, logOcidOption, shutdownOption } from '../options/pipe-options.js';
import { lineOptions } from '../options/line-options.js';
import { createOption, logCompartmentOption, logNameOption } from '../options/log-options.js';
import { inFlightOption, spoolOptions } from '../options/spool-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const execOptions = {
  ...logOcidOption,
  ...logNameOption,
  ...createOption,
  ...logCompartmentOption,
  source: entryOptions.source,
  type: { ...entryOptions.type, default: 'oci-log.exec' },
  ...lineOptions,
  ...deliveryOptions,
  ...shutdownOption,
  ...inFlightOption,
  ...spoolOptions,
  timeout: {
    type: 'duration',
    unit: 's',
    min: '1ms',
    // Node's timers wait at most 2^31-1 ms (24.8 days) and fire at once for anything longer.
    max: '24d',
    defaultText: 'none',
    description: 'End the command after this long: TERM to its process group, then KILL after --kill-after',
    details: 'The end entry says timedOut.',
  },
  'kill-after': {
    type: 'duration',
    unit: 's',
    default: '10s',
    min: '0s',
    max: '24d',
    description: 'After TERM (the timeout or a forwarded signal), KILL the command\'s whole process group if anything of it still runs this long later',
    details: 'Processes the command left behind that still hold its output after it exited get the same time; the end entry says outputCutOff when they were killed.',
  },
  tee: {
    type: 'boolean',
    default: false,
    description: "Copy the command's stdout and stderr to oci-log's own, unchanged",
    details: "So cron's mail still works.",
  },
  'on-send-failure': {
    type: 'string',
    choices: ['fail', 'warn'],
    default: 'fail',
    description: "When lines could not be delivered: exit 3 (fail) or pass on the command's status with a warning (warn)",
  },
  ...connectionOptions,
} as const satisfies OptionTable;

export type ExecArgs = ParsedArgs<typeof execOptions>;

export const execCommand = defineCommand({
  command: 'exec',
  describe: 'Run a command and ship its stdout and stderr, with start and end entries (for cron)',
  options: execOptions,
  examples: [
    ['$0 exec --log-ocid "$LOG" -- /usr/local/bin/backup --full', 'run a job, ship both streams, exit with its status'],
    ['$0 exec --log-ocid "$LOG" --timeout 2h --tee -- ./nightly.sh', 'end it after 2 hours; cron still mails the output'],
    ['$0 exec --log app/cron --multiline python --redact secrets -- ./job.py', "the job's traceback on stderr is one entry"],
  ],
  usage: '$0 exec [options] -- COMMAND [ARGS...]',
  epilogue:
    'Each output line is an entry {"run","stream","line"} with subject stdout or stderr; a start entry ' +
    '{"run","event":"start",…} and an end entry {"run","event":"end","exitStatus",…} (subject "run") frame the run. ' +
    'Exit status: the command\'s own (128+N for signal N; 127 not found; 126 not executable), or 3 when lines were dead-lettered (--on-send-failure fail).',
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./exec-run.js')).runExec(argv),
});

import { defineCommand } from '../define-command.js';
import { createOption, logCompartmentOption, logNameOption } from '../options/log-options.js';
import { connectionOptions } from '../options/connection-options.js';
import { deliveryOptions, entryOptions, logOcidOption, shutdownOption } from '../options/pipe-options.js';
import { lineOptions } from '../options/line-options.js';
import { inFlightOption, spoolOptions } from '../options/spool-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const sendOptions = {
  ...logOcidOption,
  ...logNameOption,
  ...createOption,
  ...logCompartmentOption,
  ...entryOptions,
  ...lineOptions,
  ...deliveryOptions,
  ...shutdownOption,
  ...inFlightOption,
  ...spoolOptions,
  tee: {
    type: 'boolean',
    default: false,
    description: 'Copy stdin to stdout unchanged as well',
    details: 'A closed standard output (EPIPE) stops the copy, never the sending.',
  },
  'dry-run': {
    type: 'boolean',
    default: false,
    description: 'Print the PutLogs request bodies (JSON, one a line) on stdout instead of sending; needs no credentials, uses no spool',
    details: 'With --log GROUP/LOG the log is looked up (credentials needed); with --create a missing group or log is not made: a dry run says what it would make.',
  },
  ...connectionOptions,
} as const satisfies OptionTable;

export type SendArgs = ParsedArgs<typeof sendOptions>;

export const sendCommand = defineCommand({
  command: ['send', '$0'],
  describe: 'Send stdin to a log, one entry per line (the default command)',
  options: sendOptions,
  examples: [
    ['myapp | $0 --log-ocid ocid1.log.oc1.iad.xxx', 'ship every line myapp prints'],
    ['myapp 2>&1 | $0 --tee --log-ocid "$LOG" --subject myapp | less', 'ship and still see the output'],
    ['$0 send --dry-run --log-ocid "$LOG" < app.log', 'show the requests without sending'],
    ['myapp | $0 --log app/web --create', 'ship to log web of group app, made on first use'],
    ['java App 2>&1 | $0 --log app/web --multiline java --redact secrets', 'a stack trace is one entry; tokens and passwords never leave'],
    ['$0 --time-key time --subject-key level --log-ocid "$LOG" < old.jsonl', 'replay JSON lines with their own times'],
  ],
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./send-run.js')).runSend(argv),
});

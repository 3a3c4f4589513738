import { UsageError } from '../../errors.js';
import { MIN_SPOOL_BYTES, SPOOL_DIR_ENV, defaultSpoolDir, parseSize } from '../../shipping/settings.js';
import type { SpoolSettings } from '../../shipping/settings.js';
import type { OptionTable, OptionValues } from './option-spec.js';

export const WHEN_FULL = ['block', 'drop-oldest', 'drop-newest'] as const;

/** The write-ahead spool: send and exec. */
export const spoolOptions = {
  spool: {
    type: 'boolean',
    group: 'spool',
    default: true,
    description: 'Write each line to the spool on disk before it counts as read; --no-spool keeps lines in memory only',
    details:
      'With --no-spool a crash loses what is in memory, transient failures are retried --max-retries times, and then the lines go to the dead-letter file.',
  },
  'spool-dir': {
    type: 'string',
    group: 'spool',
    arg: 'DIR',
    env: SPOOL_DIR_ENV,
    defaultText: '~/.local/state/oci-log/spool (or $XDG_STATE_HOME/oci-log/spool)',
    description: 'Spool folder, which several oci-log processes may share',
    details:
      'Each process writes its own segments (files of mode 0600 in a folder of mode 0700) and sends, alongside its input, what processes that are gone left there for its log. A named folder that cannot be used stops oci-log with status 2 before a line is read; an unusable default folder is warned about, and oci-log goes on with memory only.',
  },
  'spool-max-bytes': {
    type: 'string',
    group: 'spool',
    arg: 'SIZE',
    default: '1G',
    description: "Disk space this process's spool may take (K, M, G: 1024-based; at least 1M)",
    details: 'Hours of a busy service at a distant region, and still a small part of a disk; --when-full says what happens at the limit.',
  },
  'when-full': {
    type: 'string',
    group: 'spool',
    choices: WHEN_FULL,
    default: 'block',
    description: 'When the spool is full: stop reading stdin (block), or drop the oldest or the newest lines',
    details: 'Drops are counted, said once per episode, and make the exit status 3.',
  },
  'spool-sync': {
    type: 'boolean',
    group: 'spool',
    default: false,
    description: 'Sync what is read to disk (fsync, and the spool folder for each new file) before reading on, so a power loss loses no line either',
    details: 'Without it a crash of oci-log (kill -9, out of memory) loses nothing, but a power loss or a kernel crash can lose what the system had not yet written (about a second of input). With it, each chunk of input costs an fsync.',
  },
} as const satisfies OptionTable;

/** Requests at once: send, exec, replay and flush. */
export const inFlightOption = {
  'max-in-flight': {
    type: 'number',
    group: 'delivery',
    default: 16,
    min: 1,
    max: 64,
    description: 'PutLogs requests under way at once while the service answers; one while it does not',
    details: 'Entries keep their order by id and time whatever order the requests arrive in.',
  },
} as const satisfies OptionTable;

export type SpoolArgs = OptionValues<typeof spoolOptions>;

export type { SpoolSettings } from '../../shipping/settings.js';

export { defaultSpoolDir, parseSize } from '../../shipping/settings.js';

export function readSpoolSettings(argv: SpoolArgs, env: Record<string, string | undefined>): SpoolSettings {
  const maxBytes = parseSize(argv['spool-max-bytes']);
  if (maxBytes === undefined || maxBytes < MIN_SPOOL_BYTES) {
    throw new UsageError(`--spool-max-bytes ${argv['spool-max-bytes']}: expected a size of at least 1M, e.g. 512M or 2G`);
  }
  const named = argv['spool-dir'] || env[spoolOptions['spool-dir'].env] || undefined;
  return {
    dir: argv.spool ? (named ?? defaultSpoolDir(env)) : undefined,
    explicit: named !== undefined,
    maxBytes,
    whenFull: argv['when-full'],
    sync: argv['spool-sync'],
  };
}

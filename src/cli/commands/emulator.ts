import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { stateHome } from '../../core/state-home.js';
import { DataDirError, FaultError, IdentityError, parseFaultSpec, startEmulator } from '../../emulator/index.js';
import type { Fault } from '../../emulator/index.js';
import { defineCommand } from '../define-command.js';

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log/emulator */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  return join(stateHome(env), 'emulator');
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export const emulatorCommand = defineCommand({
  command: 'emulator',
  describe: 'Run a local emulator of the OCI Logging APIs (ingestion, management, search)',
  options: {
    host: { type: 'string', arg: 'ADDRESS', default: '127.0.0.1', description: 'Address to listen on' },
    port: { type: 'number', default: 0, min: 0, max: 65_535, description: 'Port to listen on; 0 picks a free one' },
    'state-dir': {
      type: 'string',
      arg: 'DIR',
      defaultText: '~/.local/state/oci-log/emulator (or $XDG_STATE_HOME/oci-log/emulator)',
      description: 'Where the throwaway identity is kept',
    },
    'new-identity': { type: 'boolean', default: false, description: 'Make a fresh throwaway identity even if an OCI profile could be trusted' },
    'config-file': {
      type: 'string',
      arg: 'FILE',
      env: 'OCI_CLI_CONFIG_FILE',
      defaultText: '~/.oci/config if it exists',
      description: "Trust this OCI config file's profile",
      details:
        "A profile named by --config-file or --profile must be a usable API-key profile (user, tenancy, key_file and the key's own fingerprint), " +
        'else the emulator refuses to start; one found through the variables or by default that is not usable is skipped, with a note on ' +
        'standard error, for the throwaway identity.',
    },
    profile: { type: 'string', arg: 'NAME', env: 'OCI_CLI_PROFILE', defaultText: 'DEFAULT', description: 'Profile to trust' },
    'data-dir': {
      type: 'string',
      arg: 'DIR',
      defaultText: 'memory only',
      description: 'Keep log groups, logs and entries here across restarts',
      details: 'state.json, written atomically on each change, and one append-only entries/LOG_OCID.jsonl per log.',
    },
    'exports-file': {
      type: 'string',
      arg: 'FILE',
      description: 'Also write the export lines to this file (atomically) once listening',
      details: '(Not --env-file: Node.js 20 takes that flag for itself wherever it appears.)',
    },
    verbose: { type: 'boolean', default: false, description: 'Log each request (method, path, status, time, opc-request-id) on stderr' },
    'ingest-delay': {
      type: 'duration',
      unit: 'ms',
      default: '0ms',
      min: '0ms',
      description: 'Entries become searchable this long after ingestion, as the asynchronous service does',
    },
    fault: {
      type: 'string',
      array: true,
      arg: 'OP:STATUS|reset|stall[:COUNT]',
      default: [],
      description: 'Inject a fault OP:STATUS|reset|stall[:COUNT], e.g. putLogs:429:3 (repeatable)',
      details:
        'Makes the next COUNT (default 1) requests of operation OP answer STATUS (429 and 503 with retry-after: 1), drop the connection, or never ' +
        'answer (until the client gives up or the emulator stops). A fault fires after the signature check, before processing, so a faulted ' +
        'PutLogs stores nothing.',
    },
    'max-entries': {
      type: 'number',
      default: 1_000_000,
      min: 1,
      description: 'Entries kept in memory per log; the oldest are dropped beyond it, exactly',
      details: 'Also applied when a data directory is loaded; the files there keep growing.',
    },
    'discard-entries': { type: 'boolean', default: false, description: 'Validate and count entries but keep none (for benchmarks)' },
  },
  examples: [
    ['$0 emulator', 'start on a free port; paste the printed export lines into your shell'],
    ['$0 emulator --data-dir ./oci-data --exports-file ./emulator.env &', 'keep state across restarts; source ./emulator.env'],
    ['$0 emulator --fault putLogs:429:3 --fault putLogs:reset', 'answer 429 three times, then drop one connection'],
  ],
  handler: async (argv) => {
    const { io } = argv;
    if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) throw new UsageError(`--port ${argv.port}: must be 0 to 65535`);
    if (!Number.isInteger(argv['ingest-delay']) || argv['ingest-delay'] < 0) throw new UsageError(`--ingest-delay ${argv['ingest-delay']}: must be a whole number of ms, 0 or more`);
    if (!Number.isInteger(argv['max-entries']) || argv['max-entries'] < 1) throw new UsageError(`--max-entries ${argv['max-entries']}: must be a whole number, 1 or more`);
    const faults: Fault[] = [];
    for (const spec of argv.fault) {
      try {
        faults.push(parseFaultSpec(spec));
      } catch (err) {
        if (err instanceof FaultError) throw new UsageError(`--fault ${spec}: ${err.message}`);
        throw err;
      }
    }
    const configFile = argv['config-file'] || io.env['OCI_CLI_CONFIG_FILE'] || undefined;
    const profile = argv.profile || io.env['OCI_CLI_PROFILE'] || undefined;
    let emulator;
    try {
      emulator = await startEmulator({
        host: argv.host,
        port: argv.port,
        stateDir: resolve(argv['state-dir'] ?? defaultStateDir(io.env)),
        configFile,
        profile,
        // A profile named by flag must work; one that only comes from the environment may fall back.
        explicitProfile: Boolean(argv['config-file'] || argv.profile),
        newIdentity: argv['new-identity'],
        home: io.env['HOME'],
        dataDir: argv['data-dir'] === undefined ? undefined : resolve(argv['data-dir']),
        ingestDelayMs: argv['ingest-delay'],
        maxEntriesPerLog: argv['max-entries'],
        discardEntries: argv['discard-entries'],
        faults,
        ...(argv.verbose ? { log: (line: string) => io.stderr.write(`oci-log emulator: ${line}\n`) } : {}),
      });
    } catch (err) {
      if (err instanceof IdentityError) throw new UsageError(`${err.message}; or start with --new-identity`);
      if (err instanceof DataDirError) throw new UsageError(`--data-dir: ${err.message}`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new UsageError(`cannot listen on ${argv.host}:${argv.port}: ${code}`);
      }
      throw err;
    }
    const lines = emulator.exports.join('\n') + '\n';
    if (argv['exports-file']) writeAtomic(resolve(argv['exports-file']), lines);
    io.stdout.write(lines);
    if (!argv.quiet) {
      if (emulator.identity.notTrusted) io.stderr.write(`oci-log emulator: not trusting that profile: ${emulator.identity.notTrusted}\n`);
      const who = emulator.identity.throwaway ? 'a throwaway identity' : `profile [${emulator.identity.profile}] of ${emulator.identity.configFile}`;
      io.stderr.write(
        `oci-log emulator: OCI Logging emulator listening on ${emulator.url}, trusting ${who}.\n` +
          `oci-log emulator: paste the export lines above into your shell (or eval them); Ctrl-C stops.\n`,
      );
    }
    await new Promise<void>((done) => {
      const stop = (): void => {
        io.signals.off('SIGINT', stop);
        io.signals.off('SIGTERM', stop);
        void emulator.stop().then(done);
      };
      io.signals.on('SIGINT', stop);
      io.signals.on('SIGTERM', stop);
    });
  },
});

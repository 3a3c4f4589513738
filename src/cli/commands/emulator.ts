import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { stateHome } from '../../core/state-home.js';
import { parseDuration } from '../../core/duration.js';
import { COMPARTMENT_OCID, DEFAULT_LIMITS, DataDirError, FaultError, IdentityError, isLoopback, makeFault, startEmulator } from '../../emulator/index.js';
import type { FaultSpec } from '../../emulator/index.js';
import { defineCommand } from '../define-command.js';
import { parseFaultFlag } from '../fault-flag.js';

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
    host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' },
    port: { type: 'number', default: 0, describe: 'Port to listen on (0: any free port)' },
    'state-dir': { type: 'string', describe: 'Where the throwaway identity is kept (default ${XDG_STATE_HOME:-~/.local/state}/oci-log/emulator)' },
    'new-identity': { type: 'boolean', default: false, describe: 'Make a fresh throwaway identity even if an OCI profile could be trusted' },
    'config-file': { type: 'string', describe: 'Trust this OCI config file\'s profile [env OCI_CLI_CONFIG_FILE] (default ~/.oci/config if it exists)' },
    profile: { type: 'string', describe: 'Profile to trust [env OCI_CLI_PROFILE] (default DEFAULT)' },
    'data-dir': { type: 'string', describe: 'Keep log groups, logs and entries here across restarts (default: memory only)' },
    compartment: {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'A compartment OCID that exists besides the tenancy (repeatable); others get 404, as on the service',
    },
    'exports-file': { type: 'string', describe: 'Also write the export lines to this file once listening' },
    'principal-exports-file': {
      type: 'string',
      describe:
        'Also serve every auth type (instance and resource principals, session tokens, OKE workload identity) and write the variables that use them to this file',
    },
    verbose: { type: 'boolean', default: false, describe: 'Log each request on stderr' },
    'ingest-delay': { type: 'number', default: 0, describe: 'Entries become searchable this many ms after ingestion' },
    fault: {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'Inject a fault, OP:STATUS|reset|stall|reset-after|stall-after[:COUNT|:for=DURATION][:from=DURATION][:retry-after=S], ' +
        'e.g. putLogs:429:3, putLogs:503:for=90s, createLogGroup:reset-after (repeatable)',
    },
    latency: { type: 'string', describe: 'Answer every API request this long after it arrived, like a distant region: ms, or a duration like 200ms, 1s (default 0)' },
    'max-entries': { type: 'number', default: 1_000_000, describe: 'Entries kept per log; the oldest are dropped beyond it' },
    'discard-entries': { type: 'boolean', default: false, describe: 'Validate and count entries but keep none (for benchmarks)' },
    'max-connections': {
      type: 'number',
      default: DEFAULT_LIMITS.maxConnections,
      describe: 'Connections open at once; more are closed on arrival (keeps file descriptors for the data dir)',
    },
  },
  examples: [
    ['$0 emulator', 'start on a free port; paste the printed export lines into your shell'],
    ['$0 emulator --data-dir ./oci-data --exports-file ./emulator.env &', 'keep state across restarts; source ./emulator.env'],
    ['$0 emulator --fault putLogs:429:3 --fault putLogs:reset', 'answer 429 three times, then drop one connection'],
    ['$0 emulator --latency 200ms --fault putLogs:503:for=90s:from=30s', 'a distant region that has a 90-second outage 30 seconds in'],
    ['$0 emulator --principal-exports-file ./principals.env &', 'serve every auth type; source ./principals.env, then use --auth instance_principal etc.'],
  ],
  handler: async (argv) => {
    const { io } = argv;
    if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) throw new UsageError(`--port ${argv.port}: must be 0 to 65535`);
    if (!Number.isInteger(argv['ingest-delay']) || argv['ingest-delay'] < 0) throw new UsageError(`--ingest-delay ${argv['ingest-delay']}: must be a whole number of ms, 0 or more`);
    if (!Number.isInteger(argv['max-entries']) || argv['max-entries'] < 1) throw new UsageError(`--max-entries ${argv['max-entries']}: must be a whole number, 1 or more`);
    if (!Number.isInteger(argv['max-connections']) || argv['max-connections'] < 1) throw new UsageError(`--max-connections ${argv['max-connections']}: must be a whole number, 1 or more`);
    for (const c of argv.compartment) if (!COMPARTMENT_OCID.test(c)) throw new UsageError(`--compartment ${c}: not a compartment OCID (ocid1.compartment.oc1..…)`);
    const adminToken = io.env['OCI_LOG_EMULATOR_TOKEN'] || undefined;
    if (adminToken !== undefined && !/^[A-Za-z0-9_.~+/=-]{16,200}$/.test(adminToken)) {
      throw new UsageError('OCI_LOG_EMULATOR_TOKEN: must be 16 to 200 letters, digits or -._~+/= (or unset, for a random token)');
    }
    const latencyMs = argv.latency === undefined ? 0 : parseDuration(/^\d+$/.test(argv.latency) ? `${argv.latency}ms` : argv.latency);
    if (latencyMs === undefined || latencyMs > 600_000) throw new UsageError(`--latency ${argv.latency}: must be ms or a duration (like 200ms, 1.5s), at most 10m`);
    const faults: FaultSpec[] = [];
    for (const spec of argv.fault) {
      try {
        const fault = parseFaultFlag(spec);
        makeFault(fault, 0);
        faults.push(fault);
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
        compartments: argv.compartment,
        ingestDelayMs: argv['ingest-delay'],
        latencyMs,
        maxEntriesPerLog: argv['max-entries'],
        discardEntries: argv['discard-entries'],
        faults,
        adminToken,
        limits: { maxConnections: argv['max-connections'] },
        principals: argv['principal-exports-file'] !== undefined,
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
    if (argv['principal-exports-file'] && emulator.principalExports) writeAtomic(resolve(argv['principal-exports-file']), emulator.principalExports.join('\n') + '\n');
    io.stdout.write(lines);
    if (!argv.quiet) {
      if (emulator.identity.notTrusted) io.stderr.write(`oci-log emulator: not trusting that profile: ${emulator.identity.notTrusted}\n`);
      const who = emulator.identity.throwaway ? 'a throwaway identity' : `profile [${emulator.identity.profile}] of ${emulator.identity.configFile}`;
      io.stderr.write(
        `oci-log emulator: OCI Logging emulator listening on ${emulator.url}, trusting ${who}.\n` +
          `oci-log emulator: paste the export lines above into your shell (or eval them); Ctrl-C stops.\n`,
      );
    }
    // Said even with --quiet: it is about who else can reach this machine.
    if (!isLoopback(argv.host)) {
      io.stderr.write(
        `oci-log emulator: warning: listening on ${argv.host}, beyond loopback: other machines can reach it. ` +
          `Its admin endpoints (entries, faults) need 'Authorization: Bearer $OCI_LOG_EMULATOR_TOKEN' (exported above).\n`,
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

import { mkdirSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { stateHome } from '../../core/state-home.js';
import { writeFileAtomic } from '../../core/write-atomic.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_STORED_MIB, SESSION_PROFILE } from '../../emulator/defaults.js';
import type { FaultSpec } from '../../emulator/index.js';
import { defineCommand } from '../define-command.js';
import { parseFaultFlag } from '../fault-flag.js';

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log/emulator */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  return join(stateHome(env), 'emulator');
}

/** What a file-system error code means, for a message. */
const FS_CAUSES: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
};

/** A file-system error as "CODE: what it means". */
function fsCause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const why = FS_CAUSES[code] ?? (err as Error).message;
  return code === '' ? why : `${code}: ${why}`;
}

function fsProblem(flag: string, path: string, err: unknown): UsageError {
  return new UsageError(`--${flag} ${path}: cannot write there (${fsCause(err)})`, { cause: err });
}

/**
 * Checks, before the emulator listens, that a file it writes once started
 * can be written (a failure after would leave the server listening): the
 * folder is made, and a file beside the target written and removed.
 */
function checkWritable(flag: string, path: string, pid: number): void {
  try {
    writeFileAtomic(`${path}.check`, '', pid);
    unlinkSync(`${path}.check`);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  } catch (err) {
    throw fsProblem(flag, path, err);
  }
}

/** --data-dir: a folder that can be made and written to (the emulator makes its entries/ folder in it). */
function checkDataDir(path: string): void {
  try {
    mkdirSync(join(path, 'entries'), { recursive: true });
  } catch (err) {
    throw new UsageError(`--data-dir ${path}: not a folder the emulator can use (${fsCause(err)})`, { cause: err });
  }
}

/** Errors of listen() that come from the address or port given, not from a bug. */
const LISTEN_CAUSES: Record<string, string> = {
  EADDRINUSE: 'the port is in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'not an address of this machine',
  ENOTFOUND: 'no such address or host name',
  EAI_AGAIN: 'the host name could not be resolved now',
  EAI_FAIL: 'the host name could not be resolved',
  EINVAL: 'not an address to listen on',
};

export const emulatorCommand = defineCommand({
  command: 'emulator',
  describe: 'Run a local emulator of the OCI Logging APIs (ingestion, management, search)',
  options: {
    host: {
      type: 'string',
      arg: 'ADDRESS',
      default: '127.0.0.1',
      description: 'Address to listen on',
      details:
        'Beyond loopback (0.0.0.0, say) other machines can reach it: it warns on start, and its admin endpoints need ' +
        'Authorization: Bearer $OCI_LOG_EMULATOR_TOKEN, a token exported with the other lines.',
    },
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
    compartment: {
      type: 'string',
      array: true,
      arg: 'OCID',
      default: [],
      description: 'A compartment that exists besides the tenancy (repeatable)',
      details: 'Requests naming any other compartment get 404 NotAuthorizedOrNotFound, as on the service; POST /_emulator/compartments declares more.',
    },
    'exports-file': {
      type: 'string',
      arg: 'FILE',
      description: 'Also write the export lines to this file (atomically) once listening',
      details: '(Not --env-file: Node.js 20 takes that flag for itself wherever it appears.)',
    },
    'principal-exports-file': {
      type: 'string',
      arg: 'FILE',
      description: 'Also serve every auth type, and write to this file the variables that point them at the emulator',
      details:
        'Serves the instance metadata service (/opc/v2/...) and the federation endpoint (/v1/x509) on its port, a resource principal, ' +
        `a session-token profile (${SESSION_PROFILE} in STATE-DIR/principals/config) and an OKE proxymux (HTTPS on localhost, its own port); ` +
        'FILE gets the variables for --auth instance_principal, resource_principal and oke_workload_identity. Keys are kept in ' +
        'STATE-DIR/principals. POST /_emulator/principals/rotate writes a new session token and RPST and refuses the old ones, as if expired.',
    },
    verbose: { type: 'boolean', default: false, description: 'Log each request (method, path, status, time, opc-request-id) on stderr' },
    'ingest-delay': {
      type: 'duration',
      unit: 'ms',
      default: '0ms',
      min: '0ms',
      description: 'Entries become searchable this long after ingestion, as the asynchronous service does',
    },
    latency: {
      type: 'duration',
      unit: 'ms',
      default: '0ms',
      min: '0ms',
      max: '10m',
      description: 'Answer every API request this long after it arrived, as a distant region does',
      details: 'The request is processed at once; only its answer waits (the admin endpoints are not delayed). PUT /_emulator/latency changes it.',
    },
    fault: {
      type: 'string',
      array: true,
      arg: 'OP:WHAT[:COUNT|:for=DURATION][:from=DURATION][:retry-after=S]',
      default: [],
      description: 'Inject a fault, e.g. putLogs:429:3, putLogs:503:for=90s, createLogGroup:reset-after (repeatable)',
      details:
        'WHAT is an HTTP status (400 to 599; 429 and 503 say retry-after: 1 unless retry-after= says otherwise), reset (drop the connection), ' +
        'stall (never answer, until the client gives up or the emulator stops), reset-after or stall-after (process the request, then drop the ' +
        'connection or never answer: it timed out, but it was done), or work-request-fails (a create, update, move or delete answers 202, then ' +
        'its work request ends FAILED). The fault catches the next COUNT (default 1) requests of operation OP (or * for all), or with for= every ' +
        'request for that long, from the start or from= later (e.g. putLogs:503:for=90s:from=30s); durations as 250ms, 30s, 5m, 2h. All but the ' +
        '-after kinds fire after the signature check and before processing, so a faulted PutLogs stores nothing.',
    },
    'ignore-retention': {
      type: 'boolean',
      default: false,
      description: "Keep and find entries older than their log's retention, which the service drops",
      details: 'For fixtures with old times. Without it, as the service is reported to do, such entries are accepted (200) and dropped.',
    },
    'max-entries': {
      type: 'number',
      default: 1_000_000,
      min: 1,
      description: 'Entries kept in memory per log; the oldest are dropped beyond it, exactly',
      details: 'Also applied when a data directory is loaded; the files there keep growing.',
    },
    'max-stored-mib': {
      type: 'number',
      default: DEFAULT_MAX_STORED_MIB,
      min: 1,
      description: 'Memory the kept entries may take, all logs together, in MiB; the oldest are evicted beyond it',
      details:
        "An entry counts as its id, data, source, type and subject (a byte a character) plus 100 bytes. GET /_emulator/stats shows storedBytes and, per log, " +
        'the entries evicted (evictedOverMaxStored). Also applied when a data directory is loaded; the files there keep everything.',
    },
    'discard-entries': { type: 'boolean', default: false, description: 'Validate and count entries but keep none (for benchmarks)' },
    'max-connections': {
      type: 'number',
      default: DEFAULT_LIMITS.maxConnections,
      min: 1,
      description: 'Connections open at once; more are closed on arrival',
      details: 'So half-open connections cannot use up the file descriptors the data directory needs.',
    },
  },
  examples: [
    ['$0 emulator', 'start on a free port; paste the printed export lines into your shell'],
    ['$0 emulator --data-dir ./oci-data --exports-file ./emulator.env &', 'keep state across restarts; source ./emulator.env'],
    ['$0 emulator --fault putLogs:429:3 --fault putLogs:reset', 'answer 429 three times, then drop one connection'],
    ['$0 emulator --latency 200ms --fault putLogs:503:for=90s:from=30s', 'a distant region that has a 90-second outage 30 seconds in'],
    ['$0 emulator --principal-exports-file ./principals.env &', 'serve every auth type; source the file, then use --auth instance_principal'],
  ],
  handler: async (argv) => {
    const { io } = argv;
    // Loaded only here: the emulator costs ~80 ms to load, which --help and every other command are spared.
    const { COMPARTMENT_OCID, DataDirError, FaultError, IdentityError, isLoopback, makeFault, startEmulator } = await import('../../emulator/index.js');
    for (const c of argv.compartment) if (!COMPARTMENT_OCID.test(c)) throw new UsageError(`--compartment ${c}: not a compartment OCID (ocid1.compartment.oc1..…)`);
    const adminToken = io.env['OCI_LOG_EMULATOR_TOKEN'] || undefined;
    if (adminToken !== undefined && !/^[A-Za-z0-9_.~+/=-]{16,200}$/.test(adminToken)) {
      throw new UsageError('OCI_LOG_EMULATOR_TOKEN: must be 16 to 200 letters, digits or -._~+/= (or unset, for a random token)');
    }
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
    // Every file it writes is checked before it listens: a failure once it listens would leave the server running.
    const dataDir = argv['data-dir'] === undefined ? undefined : resolve(argv['data-dir']);
    if (dataDir !== undefined) checkDataDir(dataDir);
    const exportsFiles = (['exports-file', 'principal-exports-file'] as const).flatMap((flag) => (argv[flag] ? [{ flag, path: resolve(argv[flag]) }] : []));
    for (const { flag, path } of exportsFiles) checkWritable(flag, path, io.pid);
    const stateDir = resolve(argv['state-dir'] ?? defaultStateDir(io.env));
    try {
      mkdirSync(stateDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`${argv['state-dir'] === undefined ? 'the state folder' : '--state-dir'} ${stateDir}: cannot make it (${fsCause(err)})`, { cause: err });
    }
    const configFile = argv['config-file'] || io.env['OCI_CLI_CONFIG_FILE'] || undefined;
    const profile = argv.profile || io.env['OCI_CLI_PROFILE'] || undefined;
    let emulator;
    try {
      emulator = await startEmulator({
        host: argv.host,
        port: argv.port,
        stateDir,
        configFile,
        profile,
        // A profile named by flag must work; one that only comes from the environment may fall back.
        explicitProfile: Boolean(argv['config-file'] || argv.profile),
        newIdentity: argv['new-identity'],
        home: io.env['HOME'],
        dataDir,
        compartments: argv.compartment,
        ingestDelayMs: argv['ingest-delay'],
        ignoreRetention: argv['ignore-retention'],
        latencyMs: argv.latency,
        maxEntriesPerLog: argv['max-entries'],
        maxStoredBytes: argv['max-stored-mib'] * 1024 * 1024,
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
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const cause = LISTEN_CAUSES[code];
      if (cause !== undefined) {
        const flag = code === 'EADDRINUSE' || (code === 'EACCES' && argv.port !== 0) ? `--port ${argv.port}` : `--host ${argv.host}`;
        throw new UsageError(`${flag}: cannot listen on ${argv.host}:${argv.port} (${code}: ${cause})`, { cause: err });
      }
      throw err;
    }
    const lines = emulator.exports.join('\n') + '\n';
    for (const { flag, path } of exportsFiles) {
      const exports = flag === 'exports-file' ? emulator.exports : emulator.principalExports;
      try {
        if (exports) writeFileAtomic(path, exports.join('\n') + '\n', io.pid);
      } catch (err) {
        await emulator.stop();
        throw fsProblem(flag, path, err);
      }
    }
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

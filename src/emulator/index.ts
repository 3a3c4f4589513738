import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isLoopback } from './api/admin.js';
import type { AdminAccess } from './api/admin.js';
import { FaultQueue, makeFault } from './faults.js';
import type { FaultSpec } from './faults.js';
import { normalizeKeyId, resolveIdentity } from './identity.js';
import type { TrustedIdentity } from './identity.js';
import { Principals } from './auth/principals.js';
import { createEmulatorServer } from './server.js';
import type { ServerLimits } from './server.js';
import { Store } from './store.js';
import { DEFAULT_MAX_STORED_MIB } from './defaults.js';

export { IdentityError } from './identity.js';
export { DataDirError } from './store.js';
export { FaultError, FAULT_KINDS, makeFault, OPERATIONS } from './faults.js';
export type { FaultSpec, FaultView } from './faults.js';
export type { TrustedIdentity } from './identity.js';
export type { ServerLimits } from './server.js';
export { DEFAULT_LIMITS } from './server.js';
export { COMPARTMENT_OCID, isLoopback } from './api/admin.js';
export { PRINCIPAL_KEY_FILES, SESSION_PROFILE } from './auth/principals.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where the throwaway identity is kept. */
  stateDir: string;
  /** Trust this profile instead of making a throwaway identity. */
  configFile?: string | undefined;
  profile?: string | undefined;
  /** The config file or profile was named by the user: it must work. */
  explicitProfile?: boolean;
  newIdentity?: boolean;
  home?: string | undefined;
  /** Keep state here across restarts; memory only when undefined. */
  dataDir?: string | undefined;
  /** Compartments that exist besides the tenancy (a request naming another gets 404). */
  compartments?: readonly string[];
  ingestDelayMs?: number;
  /** Keep and find entries older than their log's retention, which the service drops (fixtures with old times). */
  ignoreRetention?: boolean;
  maxEntriesPerLog?: number;
  /** Bytes of entries kept in memory, all logs together; the oldest are evicted beyond it (default DEFAULT_MAX_STORED_MIB MiB). */
  maxStoredBytes?: number;
  discardEntries?: boolean;
  /** Faults in force from the start; a duration fault's time starts when the emulator listens. */
  faults?: FaultSpec[];
  /** Every API request is answered no sooner than this many ms after it arrived. */
  latencyMs?: number;
  /** Receives one line per request (--verbose). */
  log?: (line: string) => void;
  /** The clock (ms since the epoch): signature dates, fault windows, entry times. */
  now?: () => number;
  /** How the emulator waits (latency); injectable so tests need not sleep. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The admin token when listening beyond loopback (default: a random one). */
  adminToken?: string | undefined;
  /** Timeouts and bounds (see ServerLimits). */
  limits?: Partial<ServerLimits>;
  /**
   * Serve every auth type: instance metadata and federation endpoints, a
   * resource principal, a session-token profile and an OKE proxymux, with
   * their material in <stateDir>/principals.
   */
  principals?: boolean;
}

export interface RunningEmulator {
  /** http://host:port, what clients use as their endpoint. */
  url: string;
  port: number;
  identity: TrustedIdentity;
  /** The shell lines that point oci-log or the OCI SDK at this emulator. */
  exports: string[];
  /** Needed by the admin endpoints (Authorization: Bearer) when listening beyond loopback. */
  adminToken: string | undefined;
  /** With principals: the shell lines that point --auth instance_principal, resource_principal and oke_workload_identity at it. */
  principalExports: string[] | undefined;
  /** With principals: the config file whose profile EMULATOR_SESSION is a session-token profile it trusts. */
  sessionConfigFile: string | undefined;
  stats(): { requests: Record<string, number> };
  stop(): Promise<void>;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Starts the OCI Logging emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  // Refuse a bad fault before anything else (makeFault throws a FaultError naming the field).
  for (const f of options.faults ?? []) makeFault(f, 0);
  const identity = resolveIdentity({
    stateDir: options.stateDir,
    configFile: options.configFile,
    profile: options.profile,
    explicit: options.explicitProfile ?? false,
    newIdentity: options.newIdentity ?? false,
    home: options.home,
  });
  const store = new Store({
    tenancy: identity.tenancy,
    dataDir: options.dataDir,
    maxEntriesPerLog: options.maxEntriesPerLog ?? 1_000_000,
    maxStoredBytes: options.maxStoredBytes ?? DEFAULT_MAX_STORED_MIB * 1024 * 1024,
    discardEntries: options.discardEntries ?? false,
    compartments: options.compartments ?? [],
  });
  const faults = new FaultQueue();
  const host = options.host ?? '127.0.0.1';
  const admin: AdminAccess = { port: 0, token: isLoopback(host) ? undefined : (options.adminToken ?? randomBytes(24).toString('base64url')) };
  const now = options.now ?? Date.now;
  const principals = options.principals
    ? new Principals({ dir: join(options.stateDir, 'principals'), tenancy: identity.tenancy, user: identity.user, region: identity.region, now })
    : undefined;
  const emulator = createEmulatorServer({
    admin,
    principals,
    ...(options.limits ? { limits: options.limits } : {}),
    store,
    trustedKeys: new Map([[normalizeKeyId(identity.keyId), identity.publicKey]]),
    ingestDelayMs: options.ingestDelayMs ?? 0,
    ignoreRetention: options.ignoreRetention ?? false,
    faults,
    latencyMs: options.latencyMs ?? 0,
    log: options.log,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    emulator.server.once('error', reject);
    emulator.server.listen(options.port ?? 0, host, () => {
      emulator.server.off('error', reject);
      resolve();
    });
  });
  const port = (emulator.server.address() as AddressInfo).port;
  admin.port = port;
  const startedAt = (options.now ?? Date.now)();
  for (const f of options.faults ?? []) faults.add(makeFault(f, startedAt));
  // Listening on every address: clients on this machine reach it on loopback.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  const principalExports = await principals?.start(url);
  return {
    principalExports,
    sessionConfigFile: principals?.files.sessionConfig,
    url,
    port,
    identity,
    exports: [
      `export OCI_CLI_CONFIG_FILE=${shellQuote(identity.configFile)}`,
      `export OCI_CLI_PROFILE=${shellQuote(identity.profile)}`,
      `export OCI_LOG_ENDPOINT=${shellQuote(url)}`,
      ...(admin.token === undefined ? [] : [`export OCI_LOG_EMULATOR_TOKEN=${shellQuote(admin.token)}`]),
    ],
    adminToken: admin.token,
    stats: emulator.stats,
    stop: async () => {
      await Promise.all([
        new Promise<void>((resolve) => {
          emulator.server.close(() => resolve());
          emulator.closeConnections();
          store.save();
        }),
        principals?.stop(),
      ]);
    },
  };
}

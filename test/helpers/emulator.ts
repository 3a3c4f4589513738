import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PRINCIPAL_KEY_FILES, startEmulator as start } from '../../src/emulator/index.js';
import type { EmulatorOptions, FaultView, RunningEmulator } from '../../src/emulator/index.js';
import type { Operation } from '../../src/emulator/faults.js';
import { testKey } from './identity.js';
import { tempDir } from './temp-dir.js';

export interface RawEntry {
  id: string;
  time: string;
  data: string;
  source: string;
  type: string;
  subject?: string;
  ingested: string;
}

export interface FaultSpec {
  op: Operation | '*';
  status?: number;
  kind?: 'status' | 'reset' | 'stall' | 'reset-after' | 'stall-after' | 'work-request-fails';
  count?: number;
  /** Catch every request for this long (instead of count requests), starting fromMs from now. */
  forMs?: number;
  fromMs?: number;
  retryAfterSeconds?: number;
}

export interface TestEmulator {
  url: string;
  /** Variables that point a spawned oci-log (or the SDK) at this emulator. */
  env: Record<string, string>;
  configFile: string;
  profile: string;
  tenancy: string;
  stateDir: string;
  running: RunningEmulator;
  createLogGroup(name: string): Promise<string>;
  createLog(groupId: string, name: string): Promise<string>;
  entries(logId: string): Promise<RawEntry[]>;
  injectFault(fault: FaultSpec): Promise<void>;
  /** The faults still to fire, with how many times each will. */
  pendingFaults(): Promise<Array<FaultView & { remaining: number }>>;
  clearFaults(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  stats(): Promise<{ requests: Record<string, number>; entries: Record<string, number>; droppedAsOlderThanRetention: Record<string, number> }>;
  stop(): Promise<void>;
}

/** Calls an /_emulator admin endpoint (no signature needed; the token only when it listens beyond loopback). */
export function admin<T>(url: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = payload ? { 'content-type': 'application/json' } : {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const req = request(new URL(path, url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve((text === '' ? undefined : JSON.parse(text)) as T);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Loads the management SDK client pointed at the emulator (breaker off, as oci-log runs it). */
export async function managementClient(emu: { url: string; configFile: string; profile: string }) {
  process.env['OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED'] = 'false';
  const common = await import('oci-common');
  const logging = await import('oci-logging');
  const provider = new common.ConfigFileAuthenticationDetailsProvider(emu.configFile, emu.profile);
  const client = new logging.LoggingManagementClient({ authenticationDetailsProvider: provider });
  client.endpoint = emu.url;
  return { client, logging };
}

async function waitForCreated(
  client: Awaited<ReturnType<typeof managementClient>>['client'],
  workRequestId: string,
): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { workRequest } = await client.getWorkRequest({ workRequestId });
    if (workRequest.status === 'SUCCEEDED') {
      const id = workRequest.resources[0]?.identifier;
      if (!id) throw new Error(`work request ${workRequestId} has no resource`);
      return id;
    }
    if (workRequest.status === 'FAILED') throw new Error(`work request ${workRequestId} failed`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`work request ${workRequestId} did not finish`);
}

/**
 * Puts the run's second test key in place of every key the emulator's
 * principals would make in this state dir (six RSA keys otherwise).
 */
export function seedPrincipalKeys(stateDir: string): void {
  const dir = join(stateDir, 'principals');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { pem } = testKey('other');
  for (const name of PRINCIPAL_KEY_FILES) writeFileSync(join(dir, name), pem, { mode: 0o600 });
}

let sharedConfig: string | undefined;

/**
 * The identity every test emulator trusts unless a state dir is given: the
 * run's test key (made once) under profile EMULATOR, as the emulator's own
 * throwaway identity is laid out ([DEFAULT] empty).
 */
export function sharedIdentity(): { configFile: string; profile: string } {
  if (sharedConfig === undefined) {
    const dir = tempDir('oci-log-emu-id-');
    const { pem, fingerprint } = testKey();
    const keyFile = join(dir, 'emulator_key.pem');
    writeFileSync(keyFile, pem, { mode: 0o600 });
    sharedConfig = join(dir, 'config');
    const lines = ['[DEFAULT]', '[EMULATOR]', 'user=ocid1.user.oc1..aaaaaaaatestemulatoruser', `fingerprint=${fingerprint}`];
    lines.push('tenancy=ocid1.tenancy.oc1..aaaaaaaatestemulatortenancy', 'region=us-ashburn-1', `key_file=${keyFile}`, '');
    writeFileSync(sharedConfig, lines.join('\n'), { mode: 0o600 });
  }
  return { configFile: sharedConfig, profile: 'EMULATOR' };
}

/**
 * Starts an in-process emulator. It trusts the run's shared test identity
 * (no key is made per emulator); given a state dir, it keeps its throwaway
 * identity there instead, as `oci-log emulator` does.
 */
export async function startEmulator(
  options: { dataDir?: string; ingestDelayMs?: number; stateDir?: string } & Pick<EmulatorOptions, 'now' | 'sleep' | 'latencyMs' | 'faults' | 'log' | 'limits' | 'principals' | 'ignoreRetention'> = {},
): Promise<TestEmulator> {
  const { dataDir, ingestDelayMs, stateDir: givenStateDir, ...rest } = options;
  const stateDir = givenStateDir ?? tempDir('oci-log-emu-');
  if (rest.principals) seedPrincipalKeys(stateDir);
  const running = await start({
    stateDir,
    ...(givenStateDir === undefined ? { ...sharedIdentity(), explicitProfile: true } : { newIdentity: false }),
    dataDir,
    ingestDelayMs: ingestDelayMs ?? 0,
    ...rest,
  });
  const { url, identity } = running;
  const base = { url, configFile: identity.configFile, profile: identity.profile };
  let mgmt: Awaited<ReturnType<typeof managementClient>> | undefined;
  const client = async () => (mgmt ??= await managementClient(base)).client;
  return {
    ...base,
    env: {
      OCI_CLI_CONFIG_FILE: identity.configFile,
      OCI_CLI_PROFILE: identity.profile,
      OCI_LOG_ENDPOINT: url,
      OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: 'false',
    },
    tenancy: identity.tenancy,
    stateDir,
    running,
    createLogGroup: async (name) => {
      const c = await client();
      const r = await c.createLogGroup({ createLogGroupDetails: { compartmentId: identity.tenancy, displayName: name } });
      return waitForCreated(c, r.opcWorkRequestId);
    },
    createLog: async (groupId, name) => {
      const c = await client();
      const r = await c.createLog({ logGroupId: groupId, createLogDetails: { displayName: name, logType: (mgmt?.logging.models.CreateLogDetails.LogType.Custom ?? 'CUSTOM') as never } });
      return waitForCreated(c, r.opcWorkRequestId);
    },
    entries: (logId) => admin<RawEntry[]>(url, 'GET', `/_emulator/logs/${logId}/entries`),
    injectFault: async (fault) => {
      await admin(url, 'POST', '/_emulator/faults', fault);
    },
    pendingFaults: async () => (await admin<FaultView[]>(url, 'GET', '/_emulator/faults')).map((f) => ({ ...f, remaining: f.count ?? 0 })),
    clearFaults: async () => {
      await admin(url, 'DELETE', '/_emulator/faults');
    },
    setLatency: async (ms) => {
      await admin(url, 'PUT', '/_emulator/latency', { ms });
    },
    stats: () => admin(url, 'GET', '/_emulator/stats'),
    stop: () => {
      mgmt?.client.close();
      return running.stop();
    },
  };
}

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { SESSION_PROFILE } from '../../src/emulator/index.js';
import { eventually, runCli } from '../helpers/cli.js';
import { admin, seedPrincipalKeys, sharedIdentity, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The variables of `export NAME='value'` lines. */
function exportsOf(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries([...lines.join('\n').matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/'\\''/g, "'")]));
}

describe('every auth type against the emulator (--principal-exports-file)', function () {
  let emu: TestEmulator;
  let principal: Record<string, string>;
  let home: string;
  before(async () => {
    emu = await startEmulator({ principals: true });
    principal = exportsOf(emu.running.principalExports ?? []);
    home = tempDir('oci-log-home-');
  });
  after(async () => emu.stop());

  const envFor = (auth: string): Record<string, string> => {
    if (auth === 'security_token') {
      return { HOME: home, OCI_LOG_ENDPOINT: emu.url, OCI_CLI_AUTH: auth, OCI_CLI_CONFIG_FILE: emu.running.sessionConfigFile ?? '', OCI_CLI_PROFILE: SESSION_PROFILE };
    }
    return { HOME: home, ...principal, OCI_CLI_AUTH: auth };
  };

  it('writes the variables each auth type needs, and serves the instance metadata only with Authorization: Bearer Oracle', async () => {
    expect(Object.keys(principal)).to.include.members([
      'OCI_LOG_ENDPOINT',
      'OCI_LOG_INSTANCE_METADATA_URL',
      'OCI_LOG_FEDERATION_ENDPOINT',
      'OCI_RESOURCE_PRINCIPAL_VERSION',
      'OCI_RESOURCE_PRINCIPAL_RPST',
      'OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM',
      'OCI_RESOURCE_PRINCIPAL_REGION',
      'KUBERNETES_SERVICE_HOST',
      'KUBERNETES_SERVICE_PORT_PROXYMUX',
      'OCI_LOG_OKE_CA_CERT_FILE',
      'OCI_LOG_OKE_TOKEN_FILE',
    ]);
    const region = await fetch(`${principal['OCI_LOG_INSTANCE_METADATA_URL']}instance/region`, { headers: { authorization: 'Bearer Oracle' } });
    expect(await region.text()).to.equal('us-ashburn-1');
    const anonymous = await fetch(`${principal['OCI_LOG_INSTANCE_METADATA_URL']}identity/key.pem`);
    expect(anonymous.status).to.equal(401);
  });

  for (const auth of ['security_token', 'resource_principal', 'instance_principal', 'oke_workload_identity'] as const) {
    it(`${auth}: creates a group with no compartment given, sends, and queries by --log-ocid alone`, async () => {
      const env = envFor(auth);
      const group = await runMain(['create-log-group', '--display-name', `by-${auth}`], { env });
      expect(group.code, group.stderr).to.equal(0);
      const groupId = group.stdout.toString().trim();
      const logId = await emu.createLog(groupId, 'l');
      const sent = await runMain(['--log-ocid', logId], { env, stdin: `hello from ${auth}\n` });
      expect(sent.code, sent.stderr).to.equal(0);
      expect((await emu.entries(logId)).map((e) => e.data)).to.deep.equal([`hello from ${auth}`]);
      const q = await runMain(['query', '--log-ocid', logId, '--output', 'jsonl'], { env });
      expect(q.code, q.stderr).to.equal(0);
      expect(q.stdout.toString()).to.contain(`hello from ${auth}`);
      expect(q.stderr).to.equal('');
    });
  }

  it('oke_workload_identity, in a spawned oci-log too: the proxymux over TLS checked against the service account CA', async () => {
    const logId = await emu.createLog(await emu.createLogGroup('by-oke-spawned'), 'l');
    const sent = await runCli(['--log-ocid', logId], { env: envFor('oke_workload_identity'), input: 'hello from a pod\n' });
    expect(sent.code, sent.stderr).to.equal(0);
    expect((await emu.entries(logId)).map((e) => e.data)).to.deep.equal(['hello from a pod']);
    const wrongCa = await runMain(['list-log-groups'], { env: { ...envFor('oke_workload_identity'), OCI_LOG_OKE_CA_CERT_FILE: emu.running.identity.configFile } });
    expect(wrongCa.code).to.equal(2);
    expect(wrongCa.stderr).to.match(/could not reach the proxymux at https:\/\/localhost:\d+\/resourcePrincipalSessionTokens/);
  });

  it('security_token: a long query -f keeps working after the token is refreshed (the SDK path re-reads it)', async () => {
    const env = envFor('security_token');
    const logId = await emu.createLog(await emu.createLogGroup('refresh'), 'l');
    expect((await runMain(['--log-ocid', logId], { env, stdin: 'before refresh\n' })).code).to.equal(0);
    const follow = startMain(['query', '--log-ocid', logId, '-f', '--interval', '0.2', '--since', '5m'], { env });
    await eventually(() => follow.stdout().includes('before refresh'));
    // a new token file; the old token is refused from now on, as if it had expired
    await admin(emu.url, 'POST', '/_emulator/principals/rotate');
    expect((await runMain(['--log-ocid', logId], { env, stdin: 'after refresh\n' })).code).to.equal(0);
    await eventually(() => follow.stdout().includes('after refresh'));
    follow.signal('SIGINT');
    const done = await follow.done;
    expect(done.code, done.stderr).to.equal(0);
  });

  it('a session profile without fingerprint works; the tenancy comes from the token when the profile has none', async () => {
    const dir = tempDir();
    const original = readFileSync(emu.running.sessionConfigFile ?? '', 'utf8');
    const config = join(dir, 'config');
    writeFileSync(config, original.split('\n').filter((l) => !/^(fingerprint|tenancy)=/.test(l)).join('\n'), { mode: 0o600 });
    const env = { ...envFor('security_token'), OCI_CLI_CONFIG_FILE: config };
    const r = await runMain(['create-log-group', '--display-name', 'no-fingerprint'], { env });
    expect(r.code, r.stderr).to.equal(0);
  });

  it('a 401 under a principal names what to check for that principal, not key_file and fingerprint', async () => {
    await emu.injectFault({ op: 'listLogGroups', status: 401 });
    const r = await runMain(['list-log-groups'], { env: envFor('resource_principal') });
    expect(r.code).to.equal(4);
    expect(r.stderr).to.match(/dynamic group/);
    expect(r.stderr).to.not.match(/key_file/);
  });

  it('refuses a broken principal setup with exit 2 naming the variable or region', async () => {
    const bad = async (env: Record<string, string>, pattern: RegExp) => {
      const r = await runMain(['list-log-groups'], { env: { HOME: home, ...env } });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(pattern);
    };
    const rp: Record<string, string> = { ...principal, OCI_CLI_AUTH: 'resource_principal' };
    await bad({ ...rp, OCI_RESOURCE_PRINCIPAL_VERSION: '' }, /OCI_RESOURCE_PRINCIPAL_VERSION is not set/);
    await bad({ ...rp, OCI_RESOURCE_PRINCIPAL_VERSION: '1.1' }, /OCI_RESOURCE_PRINCIPAL_VERSION=1\.1: oci-log reads version 2\.2/);
    await bad({ ...rp, OCI_RESOURCE_PRINCIPAL_RPST: '/no/such/rpst' }, /OCI_RESOURCE_PRINCIPAL_RPST: cannot read \/no\/such\/rpst/);
    const { OCI_LOG_ENDPOINT: _endpoint, ...noEndpoint } = rp;
    await bad({ ...noEndpoint, OCI_RESOURCE_PRINCIPAL_REGION: 'mars-olympus-1' }, /region "mars-olympus-1" \(from OCI_RESOURCE_PRINCIPAL_REGION\) is not an OCI region/);
    await bad({ ...principal, OCI_CLI_AUTH: 'instance_principal', OCI_LOG_INSTANCE_METADATA_URL: 'http://127.0.0.1:9/opc/v2/' }, /instance metadata service/);
    await bad({ OCI_CLI_AUTH: 'oke_workload_identity' }, /KUBERNETES_SERVICE_HOST is not set/);
  });
});

describe('oci-log emulator --principal-exports-file', () => {
  it('writes the principal variables to the file once listening, and the session profile beside the identity', async () => {
    const dir = tempDir();
    const file = join(dir, 'principals.env');
    seedPrincipalKeys(join(dir, 'state'));
    const { configFile, profile } = sharedIdentity();
    const run = startMain(['emulator', '--config-file', configFile, '--profile', profile, '--state-dir', join(dir, 'state'), '--principal-exports-file', file], { env: { HOME: dir } });
    await eventually(() => /OCI_LOG_ENDPOINT='([^']+)'/.test(run.stdout().toString()));
    const vars = exportsOf(readFileSync(file, 'utf8').split('\n'));
    expect(vars['OCI_LOG_ENDPOINT']).to.equal(/OCI_LOG_ENDPOINT='([^']+)'/.exec(run.stdout().toString())?.[1]);
    expect(vars['OCI_RESOURCE_PRINCIPAL_RPST']).to.equal(join(dir, 'state', 'principals', 'resource_principal_rpst'));
    expect(readFileSync(join(dir, 'state', 'principals', 'config'), 'utf8')).to.match(/\[EMULATOR_SESSION\]\nfingerprint=.*\nkey_file=.*\ntenancy=ocid1\.tenancy\..*\nregion=us-ashburn-1\nsecurity_token_file=/);
    run.signal('SIGTERM');
    expect((await run.done).code).to.equal(0);
  });
});

describe('config files: no secrets echoed, permissions checked', () => {
  it('a malformed config line is reported by its line number, never its text', async () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    writeFileSync(config, '[DEFAULT]\npass_phrase S3cretValue\n', { mode: 0o600 });
    const r = await runMain(['list-log-groups'], { env: { HOME: dir, OCI_CLI_CONFIG_FILE: config } });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/config:2: not "\[PROFILE\]" or "key=value" \(the line is not shown/);
    expect(r.stderr).to.not.contain('S3cret');
  });

  it('warns when the config or key file can be read by others, unless OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING is set', async () => {
    const emu = await startEmulator();
    try {
      const dir = tempDir();
      const config = join(dir, 'config');
      writeFileSync(config, readFileSync(emu.configFile, 'utf8'));
      chmodSync(config, 0o644);
      const env = { ...emu.env, HOME: dir, OCI_CLI_CONFIG_FILE: config };
      const open = await runMain(['list-log-groups'], { env });
      expect(open.code, open.stderr).to.equal(0);
      expect(open.stderr).to.match(new RegExp(`warning: permissions on ${config.replace(/[/.]/g, '\\$&')} are too open \\(0644\\).*OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING`));
      const quiet = await runMain(['list-log-groups'], { env: { ...env, OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING: 'True' } });
      expect(quiet.stderr).to.equal('');
      chmodSync(config, 0o600);
      expect((await runMain(['list-log-groups'], { env })).stderr).to.equal('');
    } finally {
      await emu.stop();
    }
  });
});

import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import { BIN, baseEnv, eventually } from '../helpers/cli.js';
import { runMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('oci-log emulator (the command)', () => {
  it('prints the export lines, writes --exports-file, serves, and exits 0 on SIGTERM', async () => {
    const dir = tempDir('oci-log-cmd-');
    const exportsFile = join(dir, 'env');
    const child = spawn(process.execPath, [BIN, 'emulator', '--new-identity', '--state-dir', join(dir, 'state'), '--exports-file', exportsFile], { env: baseEnv() });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    // however long a loaded machine takes to start it and make a key: the mocha timeout bounds the wait
    await eventually(() => out.split('\n').length >= 4 || child.exitCode !== null);
    const lines = out.trim().split('\n');
    expect(lines, err).to.have.length(3);
    expect(lines[0]).to.equal(`export OCI_CLI_CONFIG_FILE='${join(dir, 'state', 'config')}'`);
    expect(lines[1]).to.equal(`export OCI_CLI_PROFILE='EMULATOR'`);
    expect(lines[2]).to.match(/^export OCI_LOG_ENDPOINT='http:\/\/127\.0\.0\.1:\d+'$/);
    expect(readFileSync(exportsFile, 'utf8')).to.equal(out);
    const url = /'(http[^']+)'/.exec(lines[2] ?? '')?.[1] ?? '';
    const health = await new Promise<number>((resolve, reject) => request(`${url}/_emulator/health`, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end());
    expect(health).to.equal(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).to.equal(0);
  });

  /** Spawns `oci-log emulator ARGS` and waits for its three export lines. */
  async function spawnEmulator(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [BIN, 'emulator', ...args], { env: baseEnv(env) });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await eventually(() => out.split('\n').length >= 4 || child.exitCode !== null);
    const vars = Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(Object.keys(vars), err).to.deep.equal(['OCI_CLI_CONFIG_FILE', 'OCI_CLI_PROFILE', 'OCI_LOG_ENDPOINT']);
    const stop = async (signal: NodeJS.Signals) => {
      child.kill(signal);
      return closed;
    };
    return { vars, stop, stderr: () => err, stdout: () => out };
  }

  it('applies --fault, logs each request with --verbose, keeps --data-dir across a SIGINT restart', async () => {
    const dir = tempDir('oci-log-cmd-');
    const common = ['--state-dir', join(dir, 'state'), '--data-dir', join(dir, 'data')];
    const first = await spawnEmulator([...common, '--verbose', '--fault', 'listLogGroups:503:2', '--fault', 'createLogGroup:reset']);
    const s = keyFromConfig(first.vars['OCI_CLI_CONFIG_FILE'] ?? '', first.vars['OCI_CLI_PROFILE'] ?? '');
    const tenancy = s.keyId.split('/')[0] ?? '';
    const url = first.vars['OCI_LOG_ENDPOINT'] ?? '';
    const list = () => signedRequest({ method: 'GET', url: `${url}/20200531/logGroups?compartmentId=${tenancy}`, ...s });
    const statuses = [(await list()).status, (await list()).status];
    const third = await list();
    expect([...statuses, third.status]).to.deep.equal([503, 503, 200]);
    const create = () => signedRequest({ method: 'POST', url: `${url}/20200531/logGroups`, body: JSON.stringify({ compartmentId: tenancy, displayName: 'kept-group' }), ...s });
    expect(await create().then(() => 'answered', (e: NodeJS.ErrnoException) => e.code)).to.equal('ECONNRESET');
    expect((await create()).status).to.equal(202);
    expect(await first.stop('SIGINT')).to.equal(0);
    expect(first.stderr()).to.match(new RegExp(`GET /20200531/logGroups\\?compartmentId=\\S+ 200 \\d+ms ${String(third.headers['opc-request-id']).replace(/\//g, '\\/')}`));
    expect(first.stderr()).to.match(/POST \/20200531\/logGroups RESET/);

    const second = await spawnEmulator(common);
    try {
      expect(second.vars['OCI_CLI_CONFIG_FILE']).to.equal(first.vars['OCI_CLI_CONFIG_FILE']);
      const again = await signedRequest({ method: 'GET', url: `${second.vars['OCI_LOG_ENDPOINT'] ?? ''}/20200531/logGroups?compartmentId=${tenancy}`, ...s });
      expect((JSON.parse(again.body) as Array<{ displayName: string }>).map((g) => g.displayName)).to.deep.equal(['kept-group']);
    } finally {
      expect(await second.stop('SIGTERM')).to.equal(0);
    }
  });

  it('falls back to a throwaway identity, saying why, when OCI_CLI_CONFIG_FILE names no usable profile', async () => {
    const dir = tempDir('oci-log-cmd-');
    const emu = await spawnEmulator(['--state-dir', join(dir, 'state')], { OCI_CLI_CONFIG_FILE: join(dir, 'missing-config'), HOME: dir });
    try {
      expect(emu.vars['OCI_CLI_CONFIG_FILE']).to.equal(join(dir, 'state', 'config'));
      // stderr is its own pipe: its line may arrive after stdout's.
      await eventually(() => emu.stderr().includes('not trusting'));
      expect(emu.stderr()).to.match(/not trusting that profile: the config file .*missing-config does not exist/);
    } finally {
      expect(await emu.stop('SIGTERM')).to.equal(0);
    }
  });

  it('refuses a --config-file that cannot be trusted with exit 2', async () => {
    const dir = tempDir('oci-log-cmd-');
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['emulator', '--config-file', join(dir, 'nope'), '--state-dir', dir]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/nope does not exist; or start with --new-identity/);
  });

  it('loads none of the OCI SDK packages (the probe does see them load for a command that uses them)', async () => {
    const probe = fileURLToPath(new URL('../../../test/fixtures/trace-oci-loads.cjs', import.meta.url));
    const env = { NODE_OPTIONS: `--require ${probe}` };
    const dir = tempDir('oci-log-cmd-');
    const emu = await spawnEmulator(['--new-identity', '--state-dir', join(dir, 'state')], env);
    const { runCli } = await import('../helpers/cli.js');
    const sdkUser = await runCli(['list-log-groups'], { env: { ...env, ...emu.vars } });
    expect(await emu.stop('SIGTERM')).to.equal(0);
    expect(sdkUser.stderr).to.match(/loaded SDK package oci-/);
    expect(emu.stderr()).to.not.match(/loaded SDK package/);
  });

  it('an --exports-file it cannot write is exit 2 naming it, before it listens: the process ends instead of serving on', async () => {
    const dir = tempDir('oci-log-cmd-');
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const { runCli } = await import('../helpers/cli.js');
    for (const flag of ['--exports-file', '--principal-exports-file']) {
      const r = await runCli(['emulator', '--new-identity', '--state-dir', join(dir, 'state'), flag, join(file, 'env')], { timeoutMs: 10_000 });
      expect(r.code, `${flag}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^oci-log: ${flag} \\S+a-file/env: cannot write there \\((ENOTDIR|EEXIST): a part of the path is a file, not a folder\\)\n`));
      expect(r.stdout.toString(), 'no export lines: nothing listens').to.equal('');
    }
  });

  it('an unusable --host, --data-dir or --state-dir is exit 2 naming the flag and the cause', async () => {
    const dir = tempDir('oci-log-cmd-');
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const cases: Array<[string[], RegExp]> = [
      // TEST-NET-1: no address of this machine, and no name to look up.
      [['--host', '192.0.2.1'], /^oci-log: --host 192\.0\.2\.1: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL: not an address of this machine\)\n/],
      [['--data-dir', file], /^oci-log: --data-dir \S+a-file: not a folder the emulator can use \(ENOTDIR: a part of the path is a file, not a folder\)\n/],
      [['--data-dir', join(file, 'sub')], /^oci-log: --data-dir \S+a-file\/sub: not a folder the emulator can use \(ENOTDIR/],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(['emulator', '--new-identity', '--state-dir', join(dir, 'state'), ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(message).and.not.contain('internal error');
    }
    const state = await runMain(['emulator', '--new-identity', '--state-dir', file]);
    expect(state.code, state.stderr).to.equal(2);
    expect(state.stderr).to.match(/^oci-log: --state-dir \S+a-file: cannot make it \(EEXIST: a part of the path is a file, not a folder\)\n/);
  });

  it('refuses a bad --fault with exit 2', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['emulator', '--fault', 'putLogs:999', '--state-dir', tempDir()]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--fault putLogs:999: status must be/);
  });
});

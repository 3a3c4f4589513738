import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { BIN, baseEnv } from '../helpers/cli.js';
import { instantClock } from '../helpers/clock.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Issue 11's bugs, each as a new user meets it, against an in-process emulator. */
describe('what a new user meets first', function () {
  let emu: TestEmulator;
  let group: string;
  let log: string;
  const cli = (args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
    runMain(args, { env: { ...emu.env, ...env }, clock: instantClock(), ...(input === undefined ? {} : { stdin: input }) });
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('newuser');
    log = await emu.createLog(group, 'first');
  });
  after(async () => emu.stop());

  it('an unusable region is exit 2 naming it, not an internal error; short codes work', async () => {
    const noEndpoint = { OCI_LOG_ENDPOINT: undefined };
    for (const [args, env, message] of [
      [['query', '--log-ocid', log, '--log-group-id', group, '--compartment-id', emu.tenancy, '--region', 'us-ashburn1'], noEndpoint, "region 'us-ashburn1' (from --region or OCI_CLI_REGION) is not a region identifier; did you mean us-ashburn-1?"],
      [['list-log-groups'], { ...noEndpoint, OCI_CLI_REGION: 'bogus' }, "region 'bogus' (from --region or OCI_CLI_REGION)"],
      [['--log-ocid', log], { ...noEndpoint, OCI_CLI_REGION: 'zzz' }, "region 'zzz' (from --region or OCI_CLI_REGION) is not a region short code"],
    ] as Array<[string[], Record<string, string | undefined>, string]>) {
      const r = await cli(args, env, 'never read\n');
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.contain(message).and.not.contain('internal error');
    }
    // A short code with --endpoint: the region is not needed to reach the emulator, and is no error.
    const ok = await cli(['list-log-groups', '--region', 'iad']);
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it('replay DIR sends every *.jsonl in it; a folder with none is a clear exit 2', async () => {
    const dir = tempDir('oci-log-replay-dir-');
    const record = (id: string, data: string) => JSON.stringify({ data, id, time: new Date().toISOString(), source: 's', type: 't', logId: log }) + '\n';
    writeFileSync(join(dir, 'a.jsonl'), record('replay-dir-1', 'from a'));
    writeFileSync(join(dir, 'b.jsonl'), record('replay-dir-2', 'from b'));
    writeFileSync(join(dir, 'notes.txt'), 'not a dead-letter file\n');
    mkdirSync(join(dir, 'sub.jsonl'));
    const r = await cli(['replay', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readdirSync(dir).sort()).to.deep.equal(['notes.txt', 'sub.jsonl']);
    const ids = (await emu.entries(log)).map((e) => e.id);
    expect(ids).to.include.members(['replay-dir-1', 'replay-dir-2']);
    const empty = await cli(['replay', dir]);
    expect(empty.code).to.equal(2);
    expect(empty.stderr).to.match(/^oci-log: cannot replay \S+: a folder with no \.jsonl files in it\n/);
    expect(empty.stderr).not.to.contain('EISDIR');
  });

  it('query -f | head -3 on a quiet log ends as soon as head does, without waiting for the next entry', async () => {
    const quiet = await emu.createLog(group, 'quiet');
    expect((await cli(['--log-ocid', quiet], {}, 'one\ntwo\nthree\nfour\n')).code).to.equal(0);
    // A shell pipeline, as the user types it (a pipe, not the socket a spawned child's stdout is); an hour between polls: only noticing that head left can end it.
    const args = ['query', '--log-ocid', quiet, '--log-group-id', group, '--compartment-id', emu.tenancy, '-f', '--interval', '1h'];
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn('bash', ['-c', 'set -o pipefail; "$@" | head -3', 'pipeline', process.execPath, BIN, ...args], { env: baseEnv(emu.env) });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
    expect(r.out.trim().split('\n').map((l) => l.replace(/^\S+ \S+ /, ''))).to.deep.equal(['one', 'two', 'three']);
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.equal('');
  });

  it('a display name the service would refuse is caught before any call (exit 2), like a bad retention', async () => {
    const before = await emu.stats();
    for (const [args, message] of [
      [['create-log-group', '--display-name', 'my logs'], '--display-name my logs: a display name has only letters, digits, hyphens, periods and underscores (not a space)'],
      [['create-log-group', '--display-name', 'x'.repeat(101)], 'a display name has at most 100 characters (this one has 101)'],
      [['create-log', '--log-group-id', group, '--display-name', 'web/1'], '--display-name web/1: a display name has only letters, digits, hyphens, periods and underscores (not "/")'],
      [['create-log', '--log-group-id', group, '--display-name', ''], '--display-name "": a display name cannot be empty'],
    ] as Array<[string[], string]>) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.contain(message);
    }
    const after = await emu.stats();
    expect(after.requests['createLogGroup'] ?? 0).to.equal(before.requests['createLogGroup'] ?? 0);
    expect(after.requests['createLog'] ?? 0).to.equal(before.requests['createLog'] ?? 0);
  });
});

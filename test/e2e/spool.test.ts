import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { segmentsIn, uniqueData } from '../helpers/spool.js';
import { logHash } from '../../src/core/pipe/spool/spool-dir.js';

/**
 * The spool's folder as users meet it: shared by two processes, listed by
 * flush, full, unusable, and its permissions. Each test has its own
 * XDG_STATE_HOME (so its own spool). Crashes and signals: spool-process.test.ts.
 */
describe('the spool folder: shared, listed, full, unusable, private', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `spool-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('spool-tests');
  });
  after(async () => emu.stop());
  afterEach(async () => emu.clearFaults());

  it('two live processes share a spool folder without touching each other\'s segments', async () => {
    const log = await newLog();
    const state = tempDir();
    const env = { ...emu.env, XDG_STATE_HOME: state };
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 100 });
    const a = startMain(['--log-ocid', log, '--tee', '--request-timeout', '1', '--shutdown-timeout', '0.2'], { env, stdin: 'open' });
    a.stdin.write('from a\n');
    await eventually(() => a.stdout().toString().includes('from a'));
    const b = startMain(['--log-ocid', log, '--tee', '--request-timeout', '1', '--shutdown-timeout', '0.2'], { env, stdin: 'open' });
    b.stdin.write('from b\n');
    await eventually(() => b.stdout().toString().includes('from b'));
    const spool = join(state, 'oci-log', 'spool');
    const owners = new Set(segmentsIn(spool).map((s) => s.split('.')[1]));
    expect(owners.size, 'each process writes its own segments').to.equal(2);
    a.stdin.end();
    b.stdin.end();
    const [ea, eb] = await Promise.all([a.done, b.done]);
    expect([ea.code, eb.code]).to.deep.equal([3, 3]);
    expect(b.stderr()).to.not.contain('earlier oci-log run');
    expect(a.stderr()).to.not.contain('earlier oci-log run');
    await emu.clearFaults();
    const flushed = await runMain(['flush', '--log-ocid', log], { env });
    expect(flushed.code, flushed.stderr).to.equal(0);
    expect((await uniqueData(emu, log)).sort()).to.deep.equal(['from a', 'from b']);
  });

  it('flush --list shows per log what waits; a torn record in a segment is skipped and counted', async () => {
    const log = await newLog();
    const state = tempDir();
    const spool = join(state, 'oci-log', 'spool');
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    const meta = JSON.stringify({ spool: 1, logId: log, source: 's', type: 't' });
    const entry = (i: number) => JSON.stringify({ data: `torn-test ${i}`, id: `0190aaaa-0000-7000-8000-00000000000${i}`, time: '2026-12-01T10:00:00.000Z' });
    writeFileSync(join(spool, `1764583200000-000000.4242-deadbeef.${logHash(log)}.jsonl`), `${meta}\n${entry(1)},\n${entry(2)},\n${entry(3).slice(0, 30)}`, { mode: 0o600 });
    const env = { ...emu.env, XDG_STATE_HOME: state };
    const list = await runMain(['flush', '--list'], { env });
    expect(list.code).to.equal(0);
    expect(list.stdout.toString()).to.match(new RegExp(`^LOG +ENTRIES +BYTES +OLDEST +HELD-BY-PID\\n${log.replace(/\./g, '\\.')} +3 +\\d+ +2026-12-01T10:00:00.000Z +-\\n$`));
    const flushed = await runMain(['flush'], { env });
    expect(flushed.code, flushed.stderr).to.equal(0);
    expect(flushed.stderr).to.contain('1 torn or unreadable records');
    expect((await uniqueData(emu, log)).sort()).to.deep.equal(['torn-test 1', 'torn-test 2']);
  });

  for (const policy of ['drop-oldest', 'drop-newest'] as const) {
    it(`a full spool under --when-full ${policy}: drops are counted, said once, and make the exit status 3`, async () => {
      const log = await newLog();
      await emu.injectFault({ op: 'putLogs', status: 503, count: 1_000_000, retryAfterSeconds: 0 });
      const lines = Array.from({ length: 30_000 }, (_, i) => `${policy} ${String(i).padStart(6, '0')} ${'x'.repeat(60)}`);
      const r = await runMain(['--log-ocid', log, '--spool-max-bytes', '1M', '--when-full', policy, '--shutdown-timeout', '0.2', '--batch-size', '500'], {
        stdin: lines.join('\n') + '\n',
        env: emu.env,
      });
      expect(r.code).to.equal(3);
      expect(r.stderr.match(/is full \(--spool-max-bytes\)/g)).to.have.length(1);
      const dropped = Number(/(\d+) lines were dropped because the spool was full/.exec(r.stderr)?.[1]);
      const waiting = Number(/(\d+) entries wait in the spool/.exec(r.stderr)?.[1]);
      expect(dropped).to.be.greaterThan(0);
      expect(dropped + waiting).to.equal(lines.length);
    });
  }

  it('a full spool under --when-full block stops reading stdin until there is room', async () => {
    const log = await newLog();
    const state = tempDir();
    await emu.injectFault({ op: 'putLogs', status: 503, count: 1_000_000, retryAfterSeconds: 0 });
    const cli = startMain(['--log-ocid', log, '--tee', '--spool-max-bytes', '1M', '--shutdown-timeout', '0.2', '--batch-size', '500'], { env: { ...emu.env, XDG_STATE_HOME: state }, stdin: 'open' });
    const line = 'b'.repeat(100) + '\n';
    // 4 MiB offered in pipe-sized chunks: reading stops near the 1 MiB spool.
    const chunk = line.repeat(640);
    for (let i = 0; i < 40_000 / 640; i++) cli.stdin.write(chunk);
    await eventually(() => cli.stderr().includes('reading stdin is paused'));
    const seen = cli.stdout().length;
    expect(seen).to.be.lessThan(2 * 1024 * 1024);
    cli.signal('SIGTERM');
    const { code } = await cli.done;
    expect(code).to.equal(3);
    const waiting = Number(/(\d+) entries wait in the spool/.exec(cli.stderr())?.[1]);
    expect(waiting).to.be.greaterThan(0);
    expect(cli.stderr()).to.not.contain('dropped');
  });

  it('an unusable default spool folder: one warning, then memory only, and the lines are delivered', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const r = await runMain(['--log-ocid', log], { stdin: 'still sent\n', env: { ...emu.env, XDG_STATE_HOME: file } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr.match(/default spool folder .* cannot be used/g)).to.have.length(1);
    expect(r.stderr).to.contain('memory only');
    // the system's error once, with its code: not "ENOTDIR ENOTDIR: not a directory"
    expect(r.stderr).to.match(/cannot be used \(ENOTDIR: not a directory, mkdir /);
    expect(await uniqueData(emu, log)).to.deep.equal(['still sent']);
  });

  it('an unusable --spool-dir is exit 2 before any line is read', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const cli = startMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaaany', '--spool-dir', join(file, 'spool')], { env: emu.env, stdin: 'open' });
    const { code } = await cli.done; // stdin still open: nothing was read
    cli.stdin.end();
    expect(code).to.equal(2);
    expect(cli.stderr()).to.match(/--spool-dir \S+: cannot use it as a spool: ENOTDIR: not a directory, mkdir /);
  });

  it('makes its spool folder 0700 and its segments 0600', async () => {
    const log = await newLog();
    const state = tempDir();
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 10 });
    const cli = startMain(['--log-ocid', log, '--tee', '--request-timeout', '1'], { env: { ...emu.env, XDG_STATE_HOME: state }, stdin: 'open' });
    cli.stdin.write('private\n');
    await eventually(() => cli.stdout().toString().includes('private'));
    const spool = join(state, 'oci-log', 'spool');
    expect(statSync(spool).mode & 0o777).to.equal(0o700);
    const seg = segmentsIn(spool)[0] as string;
    expect(statSync(join(spool, seg)).mode & 0o777).to.equal(0o600);
    cli.signal('SIGTERM');
    cli.signal('SIGTERM');
    await cli.done;
  });

});

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN, baseEnv, eventually, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { segmentsIn, uniqueData } from '../helpers/spool.js';

/**
 * The spool as a process meets it: kill -9, a restart, exec signalled after
 * its command exited, a terminal with no width or a spinner drawing. Each
 * test has its own XDG_STATE_HOME (so its own spool).
 */
describe('the spool, as a crashed, killed or signalled process meets it (spawned)', function () {
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

  it('kill -9 with 50,000 lines read under a hanging service loses nothing: oci-log flush delivers them all', async () => {
    const log = await newLog();
    const state = tempDir();
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 100_000 });
    const cli = spawnCli(['--log-ocid', log, '--tee', '--request-timeout', '1'], { env: { ...emu.env, XDG_STATE_HOME: state } });
    const lines = Array.from({ length: 50_000 }, (_, i) => `crash ${i}`);
    cli.child.stdin.write(lines.join('\n') + '\n');
    // --tee shows what oci-log has read, and a chunk is in the spool before the next one is read.
    await eventually(() => cli.stdout().toString().split('\n').length > lines.length);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const spool = join(state, 'oci-log', 'spool');
    expect(segmentsIn(spool).length).to.be.greaterThan(0);
    await emu.clearFaults();
    const flushed = await runCli(['flush'], { env: { ...emu.env, XDG_STATE_HOME: state } });
    expect(flushed.code, flushed.stderr).to.equal(0);
    expect(flushed.stderr).to.contain('is empty');
    expect((await uniqueData(emu, log)).sort()).to.deep.equal([...lines].sort());
    expect(segmentsIn(spool)).to.deep.equal([]);
  });

  it('the next run for the same log sends what a killed one left, with the original ids and times, before its own lines', async () => {
    const log = await newLog();
    const state = tempDir();
    const env = { ...emu.env, XDG_STATE_HOME: state };
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 100 });
    const first = spawnCli(['--log-ocid', log, '--tee', '--request-timeout', '1'], { env });
    first.child.stdin.write('left behind 1\nleft behind 2\n');
    await eventually(() => first.stdout().toString().includes('left behind 2'));
    first.child.kill('SIGKILL');
    await first.exited;
    await emu.clearFaults();
    const second = await runCli(['--log-ocid', log], { input: 'new line\n', env });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stderr).to.contain('sending 2 entries that an earlier oci-log run left in the spool');
    const entries = await emu.entries(log);
    const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(sorted.map((e) => e.data)).to.deep.equal(['left behind 1', 'left behind 2', 'new line']);
  });

  it('exec: SIGTERM after the command exited, under a stalled service, loses nothing (exit 3, flush delivers)', async () => {
    const log = await newLog();
    const state = tempDir();
    const env = { ...emu.env, XDG_STATE_HOME: state };
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 100 });
    const cli = spawnCli(['exec', '--log-ocid', log, '--tee', '--request-timeout', '30', '--shutdown-timeout', '1', '--', 'sh', '-c', 'echo a; echo b'], { env });
    await eventually(() => cli.stdout().toString().includes('b\n'));
    // the command has exited (oci-log has no child left) while delivery hangs
    const pid = cli.child.pid as number;
    await eventually(() => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() === '');
    cli.child.kill('SIGTERM');
    const { code, signal } = await cli.exited;
    expect(signal, cli.stderr()).to.equal(null);
    expect(code).to.equal(3);
    expect(cli.stderr()).to.contain('wait in the spool');
    await emu.clearFaults();
    const flushed = await runCli(['flush'], { env });
    expect(flushed.code, flushed.stderr).to.equal(0);
    const data = (await uniqueData(emu, log)).map((d) => JSON.parse(d) as { line?: string; event?: string });
    expect(data.filter((d) => d.line !== undefined).map((d) => d.line).sort()).to.deep.equal(['a', 'b']);
    expect(data.filter((d) => d.event !== undefined).map((d) => d.event).sort()).to.deep.equal(['end', 'start']);
  });

  it('on a pseudo-terminal that reports 0 columns, delivers everything and exits 0 (no spinner)', async function () {
    const log = await newLog();
    const dir = tempDir();
    const input = join(dir, 'input.txt');
    const lines = Array.from({ length: 20_000 }, (_, i) => `pty ${i}`);
    writeFileSync(input, lines.join('\n') + '\n');
    const env = baseEnv({ ...emu.env, TERM: 'xterm', NO_COLOR: undefined });
    // script(1) gives the command a new pseudo-terminal; with no terminal of its own to copy, its size is 0x0.
    const cmd = `stty cols 0 rows 0 2>/dev/null; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --log-ocid ${log} < ${JSON.stringify(input)}`;
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = 0;
    child.stdout.on('data', (c: Buffer) => (out += c.length));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, 'exits by itself').to.equal(0);
    expect(out, 'no flood of escape codes').to.be.lessThan(10_000);
    expect((await uniqueData(emu, log)).length).to.equal(lines.length);
  });

  it('on a terminal with the spinner drawing, SIGTERM ends it: what was read is delivered, exit 0', async function () {
    const log = await newLog();
    const env = baseEnv({ ...emu.env, TERM: 'xterm', NO_COLOR: undefined });
    const pidFile = join(tempDir(), 'pid');
    // An endless producer; the shell writes oci-log's pid, waits for it and reports its exit status.
    // SIGTERM goes only once the spinner has drawn, so the signal meets a running shipper, however slowly node starts.
    const node = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --log-ocid ${log}`;
    const cmd = `stty cols 80 rows 24; (while :; do echo tick; sleep 0.05; done) | ${node} & echo $! > ${JSON.stringify(pidFile)}; wait $!; echo "EXIT=$?"`;
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const closed = new Promise((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await eventually(() => /read, [1-9]\d* sent/.test(out));
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    await closed;
    clearTimeout(timer);
    expect(out).to.match(/EXIT=0/);
    const data = await uniqueData(emu, log);
    expect(data.length).to.be.greaterThan(0);
    expect(data.every((d) => d === 'tick')).to.equal(true);
  });

});

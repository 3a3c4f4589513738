import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually, runCli } from '../helpers/cli.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { RawEntry, TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';

const node = process.execPath;
type Data = { run: string; stream?: string; line?: string; event?: string; [k: string]: unknown };
const parsed = (entries: RawEntry[]) => entries.map((e) => ({ ...e, d: JSON.parse(e.data) as Data }));

describe('oci-log exec (the cron wrapper) against the emulator', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `exec-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('exec-tests');
  });
  after(async () => emu.stop());

  it('ships both streams marked by stream, framed by start and end entries that share the run id', async () => {
    const log = await newLog();
    const script = 'console.log("out 1"); console.error("err 1"); console.log("out 2"); process.stderr.write("err 2 no newline")';
    const r = await runMain(['exec', '--log-ocid', log, '--', node, '-e', script], { env: emu.env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.length, 'no --tee: nothing on stdout').to.equal(0);
    const entries = parsed(await emu.entries(log));
    const run = entries[0]?.d.run;
    expect(run).to.match(/^[0-9a-f-]{36}$/);
    expect(entries.every((e) => e.d.run === run)).to.equal(true);
    expect(entries[0]?.d).to.include({ event: 'start', host: entries[0]?.d['host'] });
    expect(entries[0]?.d['command']).to.deep.equal([node, '-e', script]);
    expect(entries[0]?.d['pid']).to.be.a('number');
    expect(entries[0]?.subject).to.equal('run');
    const lines = entries.filter((e) => e.d.stream !== undefined);
    expect(lines.filter((e) => e.d.stream === 'stdout').map((e) => [e.subject, e.d.line])).to.deep.equal([['stdout', 'out 1'], ['stdout', 'out 2']]);
    expect(lines.filter((e) => e.d.stream === 'stderr').map((e) => [e.subject, e.d.line])).to.deep.equal([['stderr', 'err 1'], ['stderr', 'err 2 no newline']]);
    const end = entries.at(-1)?.d;
    expect(end).to.include({ event: 'end', exitStatus: 0, exitCode: 0, signal: null, timedOut: false, delivered: true });
    expect(end?.['lines']).to.deep.equal({ stdout: 2, stderr: 2 });
    expect(end?.['durationMs']).to.be.a('number').and.at.least(0);
    const ids = entries.map((e) => e.id);
    expect([...ids].sort()).to.deep.equal(ids);

    const q = await runMain(['query', '--log-ocid', log, '--log-group-id', group, '--run', run ?? '', '--stream', 'stderr'], { env: emu.env });
    expect(q.stdout.toString().trim().split('\n').map((l) => l.replace(/^\S+ /, ''))).to.deep.equal(['stderr err 1', 'stderr err 2 no newline']);
  });

  it("passes on the command's exit status: 0, 3, and 128+N for a signal", async () => {
    const log = await newLog();
    expect((await runMain(['exec', '--log-ocid', log, '--', node, '-e', 'process.exit(0)'], { env: emu.env })).code).to.equal(0);
    expect((await runMain(['exec', '--log-ocid', log, '--', node, '-e', 'process.exit(3)'], { env: emu.env })).code).to.equal(3);
    const killed = await runMain(['exec', '--log-ocid', log, '--', node, '-e', 'process.kill(process.pid, "SIGKILL")'], { env: emu.env });
    expect(killed.code).to.equal(137);
    const end = parsed(await emu.entries(log)).filter((e) => e.d.event === 'end').map((e) => [e.d['exitStatus'], e.d['signal']]);
    expect(end).to.deep.equal([[0, null], [3, null], [137, 'SIGKILL']]);
  });

  it('a missing command exits 127 and the attempt is still logged', async () => {
    const log = await newLog();
    const r = await runMain(['exec', '--log-ocid', log, '--', 'oci-log-test-no-such-command', '--flag'], { env: emu.env });
    expect(r.code).to.equal(127);
    expect(r.stderr).to.contain('oci-log-test-no-such-command: command not found');
    const entries = parsed(await emu.entries(log));
    expect(entries.map((e) => e.d.event)).to.deep.equal(['start', 'end']);
    expect(entries[0]?.d).to.include({ pid: null, error: 'command not found' });
    expect(entries[1]?.d).to.include({ exitStatus: 127, error: 'command not found' });
  });

  it('--timeout ends a hung command and the end entry says so', async () => {
    const log = await newLog();
    // A shell starts in milliseconds even on a busy machine, so it has printed before the deadline.
    const r = await runMain(['exec', '--log-ocid', log, '--timeout', '500ms', '--', 'sh', '-c', 'echo sleeping; exec sleep 60'], { env: emu.env });
    expect(r.code).to.equal(143);
    expect(r.stderr).to.contain('ended after --timeout 500ms');
    const end = parsed(await emu.entries(log)).at(-1)?.d;
    expect(end).to.include({ event: 'end', timedOut: true, signal: 'SIGTERM', exitStatus: 143 });
    expect(end?.['lines']).to.deep.equal({ stdout: 1, stderr: 0 });
  });

  it('forwards SIGTERM to the command, ships what it printed, then exits with its status', async () => {
    const log = await newLog();
    const script = 'process.on("SIGTERM", () => { console.log("got TERM, cleaning up"); process.exit(5) }); console.log("ready"); setTimeout(() => {}, 60000)';
    const cli = startMain(['exec', '--log-ocid', log, '--flush-interval', '50', '--', node, '-e', script], { env: emu.env, stdin: 'open' });
    await eventually(async () => parsed(await emu.entries(log)).some((e) => e.d.line === 'ready'));
    cli.signal('SIGTERM');
    expect((await cli.done).code, cli.stderr()).to.equal(5);
    const entries = parsed(await emu.entries(log));
    expect(entries.filter((e) => e.d.line !== undefined).map((e) => e.d.line)).to.deep.equal(['ready', 'got TERM, cleaning up']);
    expect(entries.at(-1)?.d).to.include({ event: 'end', exitStatus: 5 });
  });

  it('an unknown log gives exit 3 with the output dead-lettered; --on-send-failure warn passes the status on', async () => {
    const dl = join(tempDir(), 'dl.jsonl');
    const missing = 'ocid1.log.oc1.iad.amaaaaaanotalog';
    const r = await runMain(['exec', '--log-ocid', missing, '--dead-letter', dl, '--', node, '-e', 'console.log("kept"); process.exit(0)'], { env: emu.env });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain(`PutLogs to ${missing} failed: 404`);
    const records = readFileSync(dl, 'utf8').trim().split('\n').map((l) => JSON.parse(JSON.parse(l).data) as Data);
    expect(records.map((x) => x.event ?? x.line)).to.deep.equal(['start', 'kept', 'end']);
    expect(records.at(-1)).to.include({ delivered: false });
    const warnOnly = await runMain(['exec', '--log-ocid', missing, '--dead-letter', dl, '--on-send-failure', 'warn', '--', node, '-e', 'process.exit(4)'], { env: emu.env });
    expect(warnOnly.code).to.equal(4);
    expect(warnOnly.stderr).to.contain('were not delivered');
  });

  it('--tee reproduces both streams byte for byte, and stdin reaches the command', async () => {
    const log = await newLog();
    const script = 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { process.stdout.write("in:" + s + "\\r\\nlast"); process.stderr.write(Buffer.from([0xff, 0x0a, 0x41])) })';
    const r = await runCli(['exec', '--log-ocid', log, '--tee', '--', node, '-e', script], { env: emu.env, input: 'fed\n' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.equals(Buffer.from('in:fed\n\r\nlast'))).to.equal(true);
    expect(Buffer.from(r.stderr, 'utf8').includes(Buffer.from('\ufffd\nA'))).to.equal(true);
    const lines = parsed(await emu.entries(log)).filter((e) => e.d.line !== undefined).map((e) => `${e.d.stream}:${e.d.line}`);
    expect(lines).to.include.members(['stdout:in:fed', 'stdout:', 'stdout:last', 'stderr:\ufffd', 'stderr:A']);
  });

  it('--timeout KILLs the whole process group after --kill-after, grandchildren that ignore TERM included', async () => {
    const log = await newLog();
    // The shell prints its background child's pid and waits; TERM ends the shell, but the child is deaf to it.
    const script = '(trap "" TERM; exec sleep 30) & echo "$!"; wait';
    const r = await runMain(['exec', '--log-ocid', log, '--timeout', '300ms', '--kill-after', '200ms', '--', 'sh', '-c', script], { env: emu.env });
    expect(r.code, r.stderr).to.equal(143);
    const entries = parsed(await emu.entries(log));
    const grandchild = Number(entries.find((e) => e.d.line !== undefined)?.d.line);
    expect(grandchild).to.be.greaterThan(1);
    // Gone, or a zombie waiting for init to reap it (it was reparented when its shell died).
    const alive = (): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await eventually(() => !alive());
    expect(entries.at(-1)?.d).to.include({ event: 'end', timedOut: true });
  });

  it('says the output was cut off when processes the command left behind hold it past --kill-after', async () => {
    const log = await newLog();
    const script = '(trap "" TERM; exec sleep 30) & echo started';
    const r = await runMain(['exec', '--log-ocid', log, '--kill-after', '200ms', '--', 'sh', '-c', script], { env: emu.env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('their output cut off');
    expect(parsed(await emu.entries(log)).at(-1)?.d).to.include({ event: 'end', outputCutOff: true });
  });

  it('refuses a missing command or a bad --timeout with exit 2', async () => {
    const none = await runMain(['exec', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax'], { env: emu.env });
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('no command');
    const bad = await runMain(['exec', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', '--timeout', 'soon', '--', 'true'], { env: emu.env });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('--timeout soon');
  });
});

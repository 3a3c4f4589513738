import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain, startMain } from '../helpers/run-main.js';

/** What the in-process harness gives a test, shown on the pipe: time, signals, terminals, env, a reader that leaves. */
describe('oci-log in-process (the test harness)', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = () => emu.createLog(group, `harness-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('harness');
  });
  after(async () => emu.stop());

  it('takes stdin written over time: a line is sent before the input ends', async () => {
    const log = await newLog();
    const run = startMain(['--log-ocid', log, '--flush-interval', '20ms'], { env: emu.env, stdin: 'open' });
    run.stdin.write('first\n');
    for (;;) {
      if ((await emu.entries(log)).length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    run.stdin.end('second\n');
    expect((await run.done).code).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['first', 'second']);
  });

  it('delivers signals: SIGTERM stops reading an input that never ends, and what was read is sent (exit 0)', async () => {
    const log = await newLog();
    const run = startMain(['--log-ocid', log, '--tee'], { env: emu.env, stdin: 'open' });
    run.stdin.write('one\ntwo\n');
    await run.waitFor('stdout', 'two\n'); // --tee shows what was read
    run.signal('SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['one', 'two']);
  });

  it('shows a spinner and a summary on a terminal stderr only', async () => {
    const log = await newLog();
    const env = { ...emu.env, TERM: 'xterm' };
    const tty = await runMain(['--log-ocid', log], { env, stdin: 'a\nb\n', stderrIsTTY: true, columns: 80 });
    expect(tty.code, tty.stderr).to.equal(0);
    expect(tty.stderr).to.match(/oci-log: 2 read, 2 sent\n/);
    expect(tty.stderr).to.not.contain('in flight');
    const piped = await runMain(['--log-ocid', log], { env, stdin: 'c\n' });
    expect(piped.stderr).to.equal('');
    const ci = await runMain(['--log-ocid', log], { env: { ...env, CI: 'true' }, stdin: 'd\n', stderrIsTTY: true });
    expect(ci.stderr, 'CI set: no spinner').to.equal('');
  });

  it('reads the environment it is given, and only that', async () => {
    const log = await newLog();
    const r = await runMain([], { env: { ...emu.env, OCI_LOG_OCID: log }, stdin: 'from the variable\n' });
    expect(r.code, r.stderr).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['from the variable']);
    const none = await runMain([], { env: { ...emu.env, OCI_LOG_OCID: undefined }, stdin: 'x\n' });
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('no log given');
  });

  it('lets the reader of stdout go away: --tee stops copying, the shipping goes on', async () => {
    const log = await newLog();
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    const run = startMain(['--log-ocid', log, '--tee'], { env: emu.env, stdin: 'open' });
    run.closeStdout();
    run.stdin.end(lines.join('\n'));
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.length).to.equal(0);
    expect((await emu.entries(log)).length).to.equal(lines.length);
  });
});

import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { startMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The CLI, whole, through a long outage, with time injected: the producer
 * writes 20 lines a second for 150 s and PutLogs answers 503 for 90 s in the
 * middle. (test/long/outage.test.ts runs the same with the built CLI in real time.)
 */
describe('oci-log through a 90-second outage, on an injected clock', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  it('delivers every line of a 20 lines/s producer, says once when the outage starts and once when it ends, exits 0', async function () {
    this.timeout(60_000);
    const log = await emu.createLog(await emu.createLogGroup('outage'), 'clock');
    const clock = new FakeClock(Date.now());
    const run = startMain(['--log-ocid', log], { stdin: 'open', clock, env: { ...emu.env, XDG_STATE_HOME: tempDir() } });
    // Real I/O (the emulator's answers) needs turns of the event loop between steps of fake time.
    const step = async (ms: number): Promise<void> => {
      await clock.advance(ms);
      for (let i = 0; i < 20; i++) await nextTurn();
    };
    let n = 0;
    for (let second = 0; second < 150; second++) {
      if (second === 30) await emu.injectFault({ op: 'putLogs', status: 503, count: 1_000_000 });
      if (second === 120) await emu.clearFaults();
      for (let i = 0; i < 20; i++) run.stdin.write(`line ${n++}\n`);
      for (let tick = 0; tick < 4; tick++) await step(250);
    }
    run.stdin.end();
    let done = false;
    void run.done.then(() => (done = true));
    for (let i = 0; !done && i < 2000; i++) await step(250);
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(0);
    const data = new Set((await emu.entries(log)).map((e) => e.data));
    expect(data.size).to.equal(3000);
    expect(r.stderr.match(/delivery failing since/g), r.stderr).to.have.length(1);
    expect(r.stderr.match(/delivery resumed after/g), r.stderr).to.have.length(1);
    expect(r.stderr, 'one sentence, not ").;"').not.to.match(/\.;/);
  });
});

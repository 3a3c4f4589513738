import { expect } from 'chai';
import { spawnCli } from '../helpers/cli.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';

/**
 * The outage that lost 2,818 of 3,000 lines before the spool: a producer
 * writes 20 lines a second for 150 s, and PutLogs answers 503 for 90 s in
 * the middle. Every line must arrive, and oci-log must exit 0, having said
 * once that the outage began and once that it ended. Real time: minutes.
 */
describe('a 90-second outage under a steady producer', function () {
  this.timeout(10 * 60_000);
  let emu: TestEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  it('delivers every line and exits 0', async () => {
    const group = await emu.createLogGroup('outage');
    const log = await emu.createLog(group, 'outage');
    const cli = spawnCli(['--log-ocid', log, '--request-timeout', '5s'], { env: emu.env, timeoutMs: 9 * 60_000 });
    await emu.injectFault({ op: 'putLogs', status: 503, forMs: 90_000, fromMs: 30_000, retryAfterSeconds: 0 });
    const lines = Array.from({ length: 3000 }, (_, i) => `steady ${String(i).padStart(4, '0')}`);
    for (let i = 0; i < lines.length; i += 20) {
      cli.child.stdin.write(lines.slice(i, i + 20).join('\n') + '\n');
      await new Promise((r) => setTimeout(r, 1000));
    }
    cli.child.stdin.end();
    const { code } = await cli.exited;
    expect(code, cli.stderr()).to.equal(0);
    const stderr = cli.stderr();
    expect(stderr.match(/delivery failing since/g), stderr).to.have.length(1);
    expect(stderr.match(/delivery resumed after/g), stderr).to.have.length(1);
    const delivered = new Set((await emu.entries(log)).map((e) => e.data));
    expect([...delivered].sort()).to.deep.equal(lines);
  });
});

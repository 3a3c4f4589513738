import { expect } from 'chai';
import { instantClock } from '../helpers/clock.js';
import { startEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** --log GROUP/LOG when the service cannot confirm the cache: a pipe spools rather than fail before reading. */
describe('--log while the service is away', () => {
  it('uses the cached OCID, says so, and the lines wait in the spool and arrive', async function () {
    this.timeout(120_000);
    const emu = await startEmulator();
    try {
      const env = { ...emu.env, XDG_CACHE_HOME: tempDir('oci-log-cache-') };
      const first = await runMain(['--log', 'away/web', '--create'], { env, stdin: 'before\n', clock: instantClock() });
      expect(first.code, first.stderr).to.equal(0);
      await emu.injectFault({ op: 'getLog', status: 503, count: 5 });
      await emu.injectFault({ op: 'getLogGroup', status: 503, count: 5 });
      const r = await runMain(['--log', 'away/web'], { env, stdin: 'during\n' });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/--log away\/web: could not check the cached ocid1\.log\.\S+ with the service \(.*503.*\); using it/);
      const logs = (await emu.stats()).entries;
      expect(Object.values(logs).reduce((a, b) => a + b, 0)).to.equal(2);
    } finally {
      await emu.stop();
    }
  });
});

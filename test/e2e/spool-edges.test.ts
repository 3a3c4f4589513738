import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { uniqueData } from '../helpers/spool.js';

/**
 * The spool's edges as users meet them: its folder going away mid-run.
 * Each test has its own XDG_STATE_HOME.
 */
describe('the spool at its edges: a folder gone mid-run', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `edge-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('spool-edge-tests');
  });
  after(async () => emu.stop());
  afterEach(async () => emu.clearFaults());

  it('the spool folder removed mid-run: one warning naming the folder and the error code, and every line is still delivered', async () => {
    const log = await newLog();
    const state = tempDir();
    const spool = join(state, 'oci-log', 'spool');
    const cli = startMain(['--log-ocid', log, '--batch-size', '1'], { env: { ...emu.env, XDG_STATE_HOME: state }, stdin: 'open' });
    cli.stdin.write('before\n');
    await eventually(async () => (await uniqueData(emu, log)).length === 1);
    rmSync(spool, { recursive: true });
    cli.stdin.write('after 1\nafter 2\n');
    cli.stdin.end('after 3\n');
    const r = await cli.done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr.match(/cannot write the spool/g), r.stderr).to.have.length(1);
    expect(r.stderr).to.contain(spool).and.contain('ENOENT');
    expect((await uniqueData(emu, log)).sort()).to.deep.equal(['after 1', 'after 2', 'after 3', 'before']);
  });

});

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { baseEnv } from '../helpers/cli.js';

describe('the README demo (bin/demo.sh)', () => {
  it('starts the emulator, creates a group and a log, ships a sample program and reads it back', async () => {
    const script = fileURLToPath(new URL('../../../bin/demo.sh', import.meta.url));
    const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn('bash', [script], { env: baseEnv() });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.on('close', (c) => resolve({ code: c, out, err }));
    });
    // The demo stops the emulator it started: no process is left with its state dir.
    const stateDir = /--state-dir (\S+)/.exec(err)?.[1] ?? '';
    expect(stateDir).to.match(/oci-log-demo/);
    const left = spawnSync('pgrep', ['-f', `state-dir ${stateDir}`], { encoding: 'utf8' }).stdout.trim();
    expect(left, `emulator left running: ${left}`).to.equal('');
    expect(code, out).to.equal(0);
    expect(out).to.match(/^ocid1\.loggroup\./m);
    expect(out).to.match(/ demo plain text: café ✓ done$/m);
    expect(out).to.match(/ demo warning: disk 91% full$/m);
    expect(out).to.contain('(the job exited 3)');
    expect(out).to.match(/ stderr 1 file skipped$/m);
  });
});

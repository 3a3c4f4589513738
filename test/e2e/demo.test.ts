import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { baseEnv } from '../helpers/cli.js';

describe('the README demo (bin/demo.sh)', () => {
  it('starts the emulator, creates a group and a log, ships a sample program and reads it back', async () => {
    const script = fileURLToPath(new URL('../../../bin/demo.sh', import.meta.url));
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('bash', [script], { env: baseEnv() });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.resume();
      child.on('close', (c) => resolve({ code: c, out }));
    });
    expect(code, out).to.equal(0);
    expect(out).to.match(/^ocid1\.loggroup\./m);
    expect(out).to.match(/ demo plain text: café ✓ done$/m);
    expect(out).to.match(/ demo warning: disk 91% full$/m);
    expect(out).to.contain('(the job exited 3)');
    expect(out).to.match(/"stream":"stderr","line":"1 file skipped"/);
  });
});

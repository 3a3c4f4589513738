import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { BIN, baseEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

/** The README's emulator snippet, run as written (with its own file and the built CLI), several times over. */
describe("the README's emulator snippet", () => {
  it('cannot race: the next command finds the emulator listening, every time', async function () {
    this.timeout(120_000);
    const snippet = /<!-- emulator-snippet[^\n]*\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'the snippet is marked in the README').to.be.a('string');
    // One state dir for all runs: the throwaway identity's RSA key is made once, and what
    // could race (the exports file appearing after the command returns) is new every run.
    const state = join(tempDir('oci-log-snippet-state-'), 'state');
    for (let run = 0; run < 3; run++) {
      const dir = tempDir('oci-log-snippet-');
      const file = join(dir, 'emulator.env');
      const script = [
        'set -u',
        `oci-log() { node ${JSON.stringify(BIN)} "$@"; }`,
        // $! must be the emulator itself (as in a user's shell, where oci-log is a program, not a function).
        (snippet ?? '').replaceAll('/tmp/emulator.env', file).replace(/^oci-log emulator/m, `node ${JSON.stringify(BIN)} emulator --state-dir ${JSON.stringify(state)}`),
        'oci-log list-log-groups; status=$?',
        'kill $!; wait $! 2>/dev/null',
        'exit $status',
      ].join('\n');
      const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn('bash', ['-c', script], { env: baseEnv() });
        let err = '';
        child.stdout.resume();
        child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
        child.on('close', (c) => resolve({ code: c, err }));
      });
      expect(code, `run ${run}: ${err}`).to.equal(0);
    }
  });
});

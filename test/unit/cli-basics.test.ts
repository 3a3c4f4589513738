import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { VERSION } from '../../src/version.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('cli basics', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.toString().trim()).to.equal(pkg.version);
    expect(VERSION).to.equal(pkg.version);
  });

  it('--help lists usage and the exit statuses on stdout', async () => {
    const r = await runCli(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout.toString()).to.match(/Usage: oci-log/).and.to.match(/Exit status/);
  });

  it('an unknown flag is a one-line usage error with exit 2', async () => {
    const r = await runCli(['--no-such-flag', 'x']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^oci-log: Unknown argument/);
    expect(r.stderr.split('\n').filter(Boolean)).to.have.lengthOf(2);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What `npm pack` ships, and what `npm i -g` of it links: the package as a user gets it. */
describe('the npm package', () => {
  it('ships only what runs and its types (bin, dist/src JavaScript and declarations, the man page), and npm i -g links the man page', function () {
    this.timeout(120_000);
    const dir = tempDir('oci-log-pack-');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]?.files.map((f) => f.path) ?? [];
    expect(files.filter((f) => !f.startsWith('dist/src/'))).to.have.members(['README.md', 'bin/oci-log.js', 'man/oci-log.1', 'package.json']);
    expect(files.filter((f) => f.startsWith('dist/src/') && !f.endsWith('.js') && !f.endsWith('.d.ts'))).to.deep.equal([]);
    expect(files).to.include.members(['dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts']);

    const prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed[0]?.filename ?? '')], { cwd: dir, stdio: 'ignore' });
    const man = join(prefix, 'share', 'man', 'man1', 'oci-log.1');
    expect(existsSync(man), 'man page linked').to.equal(true);
    expect(readlinkSync(man)).to.match(/oci-log\/man\/oci-log\.1$/);
    expect(execFileSync(join(prefix, 'bin', 'oci-log'), ['--version'], { encoding: 'utf8' }).trim()).to.match(/^\d+\.\d+\.\d+/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { man: unknown; files: string[] };

/** The fast half of test/long/package.test.ts (which packs and installs the package). */
describe('package.json', () => {
  it('"man" is an array, the only form npm links into share/man on npm link and npm i -g', () => {
    expect(pkg.man).to.deep.equal(['./man/oci-log.1']);
  });

  it('"files" names what runs and what the library\'s users compile against, nothing else: no dist/test, no .tsbuildinfo, no source maps', () => {
    expect(pkg.files).to.deep.equal(['bin/oci-log.js', 'dist/src/**/*.js', 'dist/src/**/*.d.ts', 'man/oci-log.1']);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Every .ts file under `dir`, with the modules it imports (relative ones resolved to paths under src/). */
function importsUnder(dir: string): Array<{ file: string; specifier: string; target: string | undefined }> {
  const found: Array<{ file: string; specifier: string; target: string | undefined }> = [];
  for (const entry of readdirSync(join(src, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
      const specifier = (m[1] ?? m[2]) as string;
      const target = specifier.startsWith('.') ? relative(src, resolve(dirname(path), specifier)) : undefined;
      found.push({ file: relative(src, path), specifier, target });
    }
  }
  return found;
}

/** The layers the code is built in: a bug on one side must not hide the same bug on the other. */
describe('architecture', () => {
  it('the emulator imports nothing of the client (src/core, src/oci, src/cli, ...): only its own modules, Node and its packages', () => {
    const outside = importsUnder('emulator').filter((i) => i.target !== undefined && !i.target.startsWith('emulator/'));
    expect(outside.map((i) => `${i.file} -> ${i.specifier}`)).to.deep.equal([]);
  });

  it('the core imports no yargs, ora, OCI SDK, and nothing of the CLI or the OCI layer', () => {
    const bad = importsUnder('core').filter((i) => /^(yargs|ora|oci-)/.test(i.specifier) || (i.target !== undefined && /^(cli|oci|emulator)\//.test(i.target)));
    expect(bad.map((i) => `${i.file} -> ${i.specifier}`)).to.deep.equal([]);
  });

  it('sees the imports it checks (a scan that finds nothing would pass anything)', () => {
    expect(importsUnder('emulator').filter((i) => i.target?.startsWith('emulator/')).length).to.be.above(50);
    expect(importsUnder('core').filter((i) => i.target?.startsWith('core/')).length).to.be.above(50);
  });
});

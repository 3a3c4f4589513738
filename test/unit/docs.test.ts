import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';

const root = new URL('../../../', import.meta.url);
const man = readFileSync(new URL('man/oci-log.1', root), 'utf8').replace(/\\-/g, '-');
const readme = readFileSync(new URL('README.md', root), 'utf8');

async function helpOf(args: string[]): Promise<string> {
  const r = await runCli([...args, '--help']);
  expect(r.code, `oci-log ${args.join(' ')} --help`).to.equal(0);
  return r.stdout.toString();
}

function commandsIn(help: string): string[] {
  const section = /Commands:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^\s+oci-log ([a-z][a-z-]*)/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

describe('docs agree with --help', () => {
  it('the man page has the sections a man page needs', () => {
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', 'ENVIRONMENT', 'EXIT STATUS', 'EXAMPLES', 'FILES']) {
      expect(man, section).to.match(new RegExp(`^\\.SH "?${section}"?$`, 'm'));
    }
  });

  it('every command and every option that --help shows is in the man page and the README', async () => {
    const top = await helpOf([]);
    const missing: string[] = [];
    for (const cmd of ['', ...commandsIn(top)]) {
      const help = cmd === '' ? top : await helpOf([cmd]);
      if (cmd !== '' && !man.includes(`oci-log ${cmd}`)) missing.push(`man: command ${cmd}`);
      if (cmd !== '' && !readme.includes(`oci-log ${cmd}`)) missing.push(`README: command ${cmd}`);
      for (const opt of new Set(help.match(/--[a-z][a-z0-9-]+/g) ?? [])) {
        if (!man.includes(opt)) missing.push(`man: ${cmd || '(top)'} ${opt}`);
        if (!readme.includes(opt) && opt !== '--version') missing.push(`README: ${cmd || '(top)'} ${opt}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});

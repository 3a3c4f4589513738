import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { buildParser } from '../../src/cli/main.js';
import { sectionBodies } from '../docs/fill-sections.js';
import { GENERATED_FILES } from '../docs/sections.js';
import { runMain } from '../helpers/run-main.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const man = read('man/oci-log.1');
const manText = man.replace(/\\-/g, '-').replace(/\\f[BIR]/g, '');
const readme = read('README.md');

async function helpOf(args: string[], columns?: number): Promise<string> {
  const r = await runMain([...args, '--help'], columns === undefined ? {} : { columns });
  expect(r.code, `oci-log ${args.join(' ')} --help: ${r.stderr}`).to.equal(0);
  return r.stdout.toString();
}

function commandsIn(help: string): string[] {
  const section = /Commands:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^\s+oci-log ([a-z][a-z-]*)/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

describe('docs', () => {
  it('the man page has the sections a man page needs', () => {
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', 'ENVIRONMENT', 'EXIT STATUS', 'EXAMPLES', 'FILES']) {
      expect(man, section).to.match(new RegExp(`^\\.SH "?${section}"?$`, 'm'));
    }
  });

  for (const file of GENERATED_FILES) {
    it(`${file.path}: every generated section is what the option tables and exit statuses say (else: npm run docs)`, () => {
      const expected = file.sections();
      const actual = sectionBodies(read(file.path), file.style);
      expect([...actual.keys()].sort(), 'sections marked in the file').to.deep.equal([...expected.keys()].sort());
      const stale = [...expected].filter(([name, body]) => actual.get(name) !== body).map(([name]) => name);
      expect(stale, `stale sections of ${file.path}; run npm run docs`).to.deep.equal([]);
    });
  }

  it('every command and every option that --help shows is in the man page and the README', async () => {
    const top = await helpOf([]);
    const missing: string[] = [];
    for (const cmd of ['', ...commandsIn(top)]) {
      const help = cmd === '' ? top : await helpOf([cmd]);
      if (cmd !== '' && !manText.includes(`oci-log ${cmd}`)) missing.push(`man: command ${cmd}`);
      if (cmd !== '' && !readme.includes(`oci-log ${cmd}`)) missing.push(`README: command ${cmd}`);
      for (const opt of new Set(help.match(/--[a-z][a-z0-9-]+/g) ?? [])) {
        if (!manText.includes(opt)) missing.push(`man: ${cmd || '(top)'} ${opt}`);
        if (!readme.includes(opt)) missing.push(`README: ${cmd || '(top)'} ${opt}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('--help never cuts a word in two, at 80 or 100 columns, and stays within them', async () => {
    const tokens = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));
    for (const cmd of ['', ...commandsIn(await helpOf([]))]) {
      const args = cmd === '' ? [] : [cmd];
      // The same help with no wrapping at all: every word of a wrapped help must be one of its words.
      let unwrapped = '';
      await buildParser([...args, '--help'], null).parse([...args, '--help'], {}, (_e, _a, output) => {
        unwrapped = output;
      });
      const words = tokens(unwrapped);
      expect(words.size, cmd).to.be.greaterThan(20);
      for (const columns of [80, 100]) {
        const help = await helpOf(args, columns);
        const cut = [...tokens(help)].filter((t) => !words.has(t));
        expect(cut, `oci-log ${cmd} --help at ${columns} columns`).to.deep.equal([]);
        const wide = help.split('\n').filter((line) => line.length > columns);
        expect(wide, `oci-log ${cmd} --help at ${columns} columns`).to.deep.equal([]);
        // An example is whole lines: what it does as a comment, then the command, never a command cut in two.
        const examples = /\nExamples:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1]?.split('\n') ?? [];
        const broken = examples.filter((line) => line !== '' && !/^ {2}(# |.*\boci-log\b)/.test(line));
        expect(broken, `oci-log ${cmd} --help at ${columns} columns: examples`).to.deep.equal([]);
      }
    }
  });

  it('--help says each duration flag takes a duration and what a bare number means', async () => {
    const help = (await helpOf(['send'])) + (await helpOf(['query'])) + (await helpOf(['exec'])) + (await helpOf(['emulator']));
    // An option's entry: from its line in the option column to the next option or the end of its group.
    const line = (flag: string): string =>
      new RegExp(`\\n(?: {2}-[a-z], | {6})--${flag} [\\s\\S]*?(?=\\n(?: {2}-[a-z], | {6})--|\\n\\n)`).exec(help)?.[0].replace(/\s+/g, ' ') ?? '';
    expect(line('flush-interval')).to.contain('a bare number is milliseconds] [default: 1s]');
    expect(line('request-timeout')).to.contain('a bare number is seconds] [default: 30s]');
    expect(line('shutdown-timeout')).to.contain('a bare number is seconds');
    expect(line('interval')).to.contain('a bare number is seconds] [default: 2s]');
    expect(line('timeout')).to.contain('a bare number is seconds');
    expect(line('kill-after')).to.contain('a bare number is seconds] [default: 10s]');
    expect(line('ingest-delay')).to.contain('a bare number is milliseconds');
  });
});

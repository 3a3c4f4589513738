import { expect } from 'chai';
import { commands } from '../../../src/cli/commands/index.js';
import { commandName } from '../../../src/cli/define-command.js';
import { builtinOptions, globalOptions } from '../../../src/cli/options/global-options.js';
import { helpDescription } from '../../../src/cli/options/help-text.js';
import type { OptionSpec, OptionTable } from '../../../src/cli/options/option-spec.js';
import { readOptions } from '../../../src/cli/options/read-options.js';
import { parseDuration } from '../../../src/core/duration.js';
import { UsageError } from '../../../src/errors.js';

const tables: Array<[string, OptionTable]> = [
  ['global', { ...globalOptions, ...builtinOptions }],
  ...commands.map((c): [string, OptionTable] => [commandName(c.spec), c.spec.options]),
];
const everyOption = tables.flatMap(([table, options]) => Object.entries(options).map(([flag, spec]): [string, OptionSpec] => [`${table} --${flag}`, spec]));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('option tables', () => {
  it('describe every option, and give no literal default to an option read from a variable (the variable comes first)', () => {
    expect(everyOption.length).to.be.greaterThan(50);
    for (const [name, spec] of everyOption) {
      expect(spec.description, name).to.match(/^[A-Z].*[^.]$/);
      if (spec.env !== undefined) expect(spec.default, `${name} reads ${spec.env}`).to.equal(undefined);
    }
  });

  it('hold defaults that their own ranges and choices accept', () => {
    for (const [name, spec] of everyOption) {
      if (spec.type === 'duration') {
        for (const bound of [spec.default, spec.min, spec.max]) {
          if (bound !== undefined) expect(parseDuration(bound, spec.unit), `${name}: ${bound}`).to.be.a('number');
        }
      }
      if (spec.default !== undefined && !Array.isArray(spec.default)) {
        const flag = name.replace(/^.* --/, '');
        expect(() => readOptions({ [flag]: spec }, { [flag]: String(spec.default) }), name).not.to.throw();
      }
    }
  });

  it('keep every duration that feeds a timer within what a Node timer can wait (2^31-1 ms: longer ones fire at once)', () => {
    // Durations that no timer waits for: they are compared with clocks.
    const noTimer = ['emulator --ingest-delay'];
    expect(everyOption.map(([name]) => name)).to.include.members(noTimer);
    for (const [name, spec] of everyOption) {
      if (spec.type !== 'duration' || noTimer.includes(name)) continue;
      const max = spec.max === undefined ? Infinity : (parseDuration(spec.max, spec.unit) ?? Infinity);
      expect(max, `${name}: at most ${spec.max ?? '(no limit)'}`).to.be.at.most(2 ** 31 - 1);
    }
  });
});

describe('reading option values', () => {
  const table = {
    size: { type: 'number', min: 1, max: 10, default: 5, description: 'Size' },
    ratio: { type: 'number', fraction: true, description: 'Ratio' },
    wait: { type: 'duration', unit: 's', min: '1s', max: '1h', default: '30s', description: 'Wait' },
    delay: { type: 'duration', unit: 'ms', default: '0ms', description: 'Delay' },
    format: { type: 'string', choices: ['text', 'json'], default: 'text', description: 'Format' },
    name: { type: 'string', alias: 'n', description: 'Name' },
    tag: { type: 'string', array: true, default: [], description: 'Tags' },
    flag: { type: 'boolean', default: true, description: 'Flag' },
  } as const satisfies OptionTable;

  it('fills in defaults; durations become milliseconds', () => {
    const v = readOptions(table, {});
    expect(v).to.deep.include({ size: 5, wait: 30_000, delay: 0, format: 'text', tag: [], flag: true });
    expect(v.name).to.equal(undefined);
    expect(v.ratio).to.equal(undefined);
  });

  it("reads numbers and durations as typed; a bare number is the flag's unit", () => {
    const v = readOptions(table, { size: '7', ratio: '0.25', wait: '90', delay: '250', format: 'json', name: 'x', tag: ['a', 'b'], flag: false });
    expect(v).to.deep.include({ size: 7, ratio: 0.25, wait: 90_000, delay: 250, format: 'json', name: 'x', tag: ['a', 'b'], flag: false });
    expect(readOptions(table, { wait: '1m30s', delay: '2s' })).to.deep.include({ wait: 90_000, delay: 2000 });
  });

  it('sets the value under the camelCase name and the alias too, as yargs does', () => {
    const v = readOptions({ 'max-size': { type: 'number', alias: 'm', description: 'Max' } }, { 'max-size': '3', maxSize: '3', m: '3' });
    expect(v).to.deep.include({ 'max-size': 3, maxSize: 3, m: 3 });
  });

  it('takes the last of a flag given twice', () => {
    expect(readOptions(table, { size: ['2', '3'], wait: ['1s', '2s'] })).to.deep.include({ size: 3, wait: 2000 });
  });

  it('refuses a bad value quoting what was typed and naming the flag', () => {
    expect(refusal(() => readOptions(table, { size: 'abc' }))).to.equal('--size abc: expected a whole number from 1 to 10');
    expect(refusal(() => readOptions(table, { size: '2.5' }))).to.equal('--size 2.5: must be a whole number from 1 to 10');
    expect(refusal(() => readOptions(table, { size: '11' }))).to.equal('--size 11: must be a whole number from 1 to 10');
    expect(refusal(() => readOptions(table, { size: '' }))).to.equal('--size "": expected a whole number from 1 to 10');
    expect(refusal(() => readOptions(table, { wait: '10x' }))).to.equal('--wait 10x: expected a duration such as 250ms, 30s, 5m or 2h (a bare number is seconds)');
    expect(refusal(() => readOptions(table, { wait: '2h' }))).to.equal('--wait 2h: must be from 1s to 1h');
    expect(refusal(() => readOptions(table, { wait: '500ms' }))).to.equal('--wait 500ms: must be from 1s to 1h');
    expect(refusal(() => readOptions(table, { format: 'xml' }))).to.equal('--format xml: must be one of text, json');
    expect(refusal(() => readOptions({ id: { type: 'string', required: true, description: 'Id' } }, {}))).to.equal('--id is required');
  });

  it('writes the help line from the fields', () => {
    expect(helpDescription(table.wait)).to.equal('Wait [1s to 1h; a bare number is seconds] [default: 30s]');
    expect(helpDescription(table.format)).to.equal('Format [choices: text, json] [default: text]');
    expect(helpDescription({ type: 'string', env: 'X_Y', defaultText: 'the host name', description: 'Source' })).to.equal('Source [default: the host name] [env: X_Y]');
    expect(helpDescription({ type: 'boolean', default: false, description: 'Tee' })).to.equal('Tee');
  });
});

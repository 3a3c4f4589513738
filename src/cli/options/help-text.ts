import type { Options } from 'yargs';
import type { OptionSpec } from './option-spec.js';
import { bareUnitShown, defaultShown, rangeShown } from './option-spec.js';

/**
 * An option's line in --help, built from its table entry: the description,
 * then [range; unit] [choices: …] [default: …] [env: …]. Nothing of it is
 * written by hand, so it cannot drift from what the command does.
 */
export function helpDescription(spec: OptionSpec): string {
  const notes: string[] = [];
  const limits = [rangeShown(spec), bareUnitShown(spec)].filter((x): x is string => x !== undefined);
  if (limits.length > 0) notes.push(limits.join('; '));
  if ('choices' in spec && spec.choices) notes.push(`choices: ${spec.choices.join(', ')}`);
  const dflt = defaultShown(spec);
  if (dflt !== undefined) notes.push(`default: ${dflt}`);
  if (spec.env !== undefined) notes.push(`env: ${spec.env}`);
  return [spec.description, ...notes.map((n) => `[${n}]`)].join(' ');
}

/**
 * The yargs side of an option: its name, aliases, type and help line. Values
 * reach the handler through readOptions (defaults, ranges, choices, durations),
 * so yargs gets no default and parses every non-boolean as a string: an error
 * can then quote exactly what was typed.
 */
export function toYargsOption(spec: OptionSpec): Options {
  return {
    type: spec.type === 'boolean' ? 'boolean' : 'string',
    describe: helpDescription(spec),
    // One value per occurrence (--redact A --redact B): without nargs an array flag would swallow exec's command.
    ...('array' in spec && spec.array ? { array: true, nargs: 1 } : {}),
    ...(spec.alias === undefined ? {} : { alias: spec.alias }),
  };
}

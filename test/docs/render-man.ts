import { argName, bareUnitShown, defaultShown, rangeShown } from '../../src/cli/options/option-spec.js';
import type { OptionSpec } from '../../src/cli/options/option-spec.js';
import type { ExitStatusDoc } from '../../src/errors.js';
import type { DocCommand, DocOption, DocVariable } from './doc-model.js';

/** Text for a roff text line: backslashes and hyphens escaped, no control character at the start. */
export function roff(text: string): string {
  const escaped = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

const bold = (text: string): string => `\\fB${roff(text)}\\fR`;
const italic = (text: string): string => `\\fI${roff(text)}\\fR`;

function flagForms(flag: string, spec: OptionSpec): string {
  const arg = argName(spec);
  const form = (name: string): string => `${bold(name.length === 1 ? `-${name}` : `--${name}`)}${arg === undefined ? '' : ` ${italic(arg)}`}`;
  const forms = [form(flag)];
  if (spec.alias !== undefined) forms.push(form(spec.alias));
  if (spec.type === 'boolean' && spec.default === true) forms.push(bold(`--no-${flag}`));
  return forms.join(', ');
}

/** The sentences after an option's description: details, range, choices, default, variable. */
export function optionNotes(spec: OptionSpec): string[] {
  const notes: string[] = [];
  if (spec.details !== undefined) notes.push(spec.details);
  const range = rangeShown(spec);
  const bare = bareUnitShown(spec);
  if (range !== undefined || bare !== undefined) {
    const from = range !== undefined && /^\S+ to /.test(range) ? `From ${range}` : range;
    const text = [from, bare].filter((x) => x !== undefined).join('; ');
    notes.push(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
  }
  if ('choices' in spec && spec.choices) notes.push(`One of ${spec.choices.join(', ')}.`);
  if (spec.required) notes.push('Required.');
  const dflt = defaultShown(spec);
  if (spec.env !== undefined) notes.push(`Default: the variable ${spec.env}${dflt === undefined ? '' : `, else ${dflt}`}.`);
  else if (dflt !== undefined) notes.push(`Default: ${dflt}.`);
  return notes;
}

function optionItem({ flag, spec }: DocOption): string[] {
  return ['.TP', flagForms(flag, spec), roff([`${spec.description}.`, ...optionNotes(spec)].join(' '))];
}

function flagList(flags: readonly string[]): string {
  return flags.map((f) => bold(`--${f}`)).join(', ');
}

/** A command's option list, for its subsection of COMMANDS. */
export function manCommandOptions(command: DocCommand): string {
  const lines = ['.RS', ...command.options.flatMap(optionItem)];
  const after: string[] = [];
  for (const shared of command.shared) after.push(`${roff('Also, as for ')}${bold(`oci-log ${shared.command}`)}: ${flagList(shared.flags)}.`);
  if (command.connection) after.push(`${roff('And the connection options (see ')}${bold('OPTIONS')}).`);
  if (after.length > 0) lines.push(command.options.length > 0 ? '.PP' : '', ...after.flatMap((l, i) => (i === 0 ? [l] : ['.br', l])));
  lines.push('.RE');
  return lines.filter((l) => l !== '').join('\n');
}

/** The OPTIONS section: global options, then the connection options. */
export function manCommonOptions(common: { global: DocOption[]; connection: DocOption[] }): string {
  return [
    '.SS "Global options"',
    'Every command accepts these.',
    ...common.global.flatMap(optionItem),
    '.SS "Connection options"',
    roff("Every command that talks to OCI accepts these. They follow the OCI CLI's names and read the same variables: a flag comes first, then its variable, then the default."),
    ...common.connection.flatMap(optionItem),
  ].join('\n');
}

/** "Profile in …" → "profile in …"; "OCI config file" stays. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

export function manEnvironment(variables: readonly DocVariable[]): string {
  return variables
    .flatMap((v) => [
      '.TP',
      `.B ${v.name}`,
      v.flags === undefined ? roff(v.description) : `${roff('Read when')} ${flagList(v.flags)} ${roff(`is not given: ${lowerFirst(v.description)}.`)}`,
    ])
    .join('\n');
}

export function manExitStatus(statuses: readonly ExitStatusDoc[]): string {
  return statuses.flatMap((s) => ['.TP', `.B ${roff(String(s.status))}`, roff(s.description)]).join('\n');
}

import { argName, bareUnitShown, defaultShown, rangeShown } from '../../src/cli/options/option-spec.js';
import type { OptionSpec } from '../../src/cli/options/option-spec.js';
import type { ExitStatusDoc } from '../../src/errors.js';
import type { DocCommand, DocOption } from './doc-model.js';

/** Plain text for a Markdown table cell. */
export function md(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([*_|])/g, '\\$1').replace(/</g, '&lt;');
}

const code = (text: string): string => `\`${text}\``;

function flagCell(flag: string, spec: OptionSpec): string {
  const arg = argName(spec);
  const dash = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);
  const forms = [code(`${dash(flag)}${arg === undefined ? '' : ` ${arg}`}`)];
  if (spec.alias !== undefined) forms.push(code(dash(spec.alias)));
  if (spec.type === 'boolean' && spec.default === true) forms.push(code(`--no-${flag}`));
  return forms.join(', ').replace(/\|/g, '\\|');
}

function meaningCell(spec: OptionSpec): string {
  const notes: string[] = [];
  const limits = [rangeShown(spec), bareUnitShown(spec)].filter((x) => x !== undefined);
  if (limits.length > 0) notes.push(md(limits.join('; ')));
  if ('choices' in spec && spec.choices) notes.push(`one of ${spec.choices.map(code).join(', ')}`);
  return md(spec.description) + (notes.length > 0 ? ` (${notes.join('; ')})` : '');
}

/** A default as the README shows it: values to type as code ("`DEFAULT`", "`~/.oci/config` if it exists"), words as words. */
function valueText(text: string): string {
  if (!/\s/.test(text)) return /^[a-z]+$/.test(text) ? md(text) : code(text);
  return text
    .split(' ')
    .map((word) => {
      const m = /^(\(?)(.*?)([),]?)$/.exec(word);
      const inner = m?.[2] ?? word;
      return /[/$~]/.test(inner) ? `${m?.[1] ?? ''}${code(inner)}${m?.[3] ?? ''}` : md(word);
    })
    .join(' ');
}

function defaultCell(spec: OptionSpec): string {
  if (spec.required) return 'required';
  const dflt = defaultShown(spec);
  const literal = spec.defaultText === undefined && spec.default !== undefined;
  const shown = dflt === undefined ? undefined : spec.type === 'boolean' ? dflt : literal ? code(dflt) : valueText(dflt);
  if (spec.env === undefined) return shown ?? '';
  return shown === undefined ? code(`$${spec.env}`) : `${code(`$${spec.env}`)}, else ${shown}`;
}

function table(options: readonly DocOption[]): string[] {
  return ['| option | meaning | default |', '|---|---|---|', ...options.map(({ flag, spec }) => `| ${flagCell(flag, spec)} | ${meaningCell(spec)} | ${defaultCell(spec)} |`)];
}

/** A command's options: a table of its own, a line for those it shares with an earlier command. */
export function markdownCommandOptions(command: DocCommand): string {
  const lines = [`Options of \`oci-log ${command.name}\`:`, ''];
  if (command.options.length > 0) lines.push(...table(command.options), '');
  for (const shared of command.shared) lines.push(`Also, as for \`oci-log ${shared.command}\`: ${shared.flags.map((f) => code(`--${f}`)).join(', ')}.`);
  if (command.connection) lines.push('And the [connection options](#options-common-to-all-commands).');
  return lines.join('\n').trimEnd();
}

export function markdownCommonOptions(common: { global: DocOption[]; connection: DocOption[] }): string {
  return [
    'Every command:',
    '',
    ...table(common.global),
    '',
    "Every command that talks to OCI (the OCI CLI's names and variables; a flag comes first, then its variable, then the default):",
    '',
    ...table(common.connection),
  ].join('\n');
}

export function markdownExitStatus(statuses: readonly ExitStatusDoc[]): string {
  return ['| status | meaning |', '|---|---|', ...statuses.map((s) => `| ${s.status} | ${md(s.description)} |`)].join('\n');
}

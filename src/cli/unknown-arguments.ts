import type { DefinedCommand } from './define-command.js';
import { commandName } from './define-command.js';
import { builtinOptions, globalOptions } from './options/global-options.js';
import type { OptionTable } from './options/option-spec.js';

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The candidates closest to `word` (a typo's distance: at most 2, or a third of the word), best first. */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const scored = [...new Set(candidates)].map((c) => ({ c, d: editDistance(word.toLowerCase(), c) })).filter((x) => x.d <= limit);
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).map((x) => x.c);
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

function optionNames(command: DefinedCommand | undefined): string[] {
  const table: OptionTable = { ...(command?.spec.options ?? {}), ...globalOptions, ...builtinOptions };
  return Object.entries(table).flatMap(([name, spec]) => [name, ...(spec.alias === undefined ? [] : [spec.alias])]);
}

/** The words of a command line that are not options or their values (before a `--`). */
function positionals(args: readonly string[], commands: readonly DefinedCommand[]): string[] {
  const takesValue = new Set<string>();
  for (const c of [...commands.map((c) => c.spec.options), globalOptions as OptionTable]) {
    for (const [name, spec] of Object.entries(c)) {
      if (spec.type === 'boolean') continue;
      takesValue.add(name);
      if (spec.alias !== undefined) takesValue.add(spec.alias);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (!a.includes('=') && takesValue.has(a.replace(/^-+/, ''))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** What OCID kinds are given with, when one is typed as a bare word. */
const OCID_FLAGS: ReadonlyArray<[RegExp, string]> = [
  [/^ocid1\.log\./, '--log-ocid'],
  [/^ocid1\.loggroup\./, '--log-group-id'],
  [/^ocid1\.(compartment|tenancy)\./, '--compartment-id'],
];

/**
 * One line for what yargs reports as "Unknown argument(s): …", saying what
 * was probably meant: a command name typed wrong (qurey: query), an option
 * of another command or typed wrong (--limt: --limit), an OCID given without
 * its flag, exec's command without `--`. `args` is the command line as typed,
 * to tell a flag (--timeout) from a word (timeout).
 */
export function explainUnknown(args: readonly string[], unknown: readonly string[], commands: readonly DefinedCommand[]): string {
  const byName = new Map(commands.map((c) => [commandName(c.spec), c]));
  const words = positionals(args, commands);
  const given = words[0] !== undefined && byName.has(words[0]) ? words[0] : undefined;
  const command = byName.get(given ?? 'send');
  const name = given ?? 'send';
  const firstWord = words[0];
  const lines = unknown.map((u) => {
    const typed = args.find((a) => a === `--${u}` || a.startsWith(`--${u}=`) || (u.length === 1 && a === `-${u}`) || a === `--no-${u}`);
    if (typed !== undefined) {
      const flag = typed.split('=')[0] ?? typed;
      const mine = optionNames(command);
      const near = u.length > 1 ? closest(u, mine.filter((o) => o.length > 1)) : [];
      const containing = mine.filter((o) => o !== u && o.length > 1 && u.length > 2 && o.includes(u));
      const elsewhere = commands.filter((c) => c !== command && optionNames(c).includes(u)).map((c) => `oci-log ${commandName(c.spec)}`);
      const meant = near.length > 0 ? near : containing;
      let text = `oci-log ${name} has no option ${flag}`;
      if (elsewhere.length > 0) text += ` (it is an option of ${orList(elsewhere)})`;
      if (meant.length > 0) text += `; did you mean ${orList(meant.map((m) => `--${m}`))}?`;
      return text;
    }
    const ocid = OCID_FLAGS.find(([pattern]) => pattern.test(u));
    if (ocid) return `unexpected argument ${u}: give it as ${ocid[1]} ${u}`;
    if (name === 'exec') return `unexpected argument ${u}: put the command after --, as in oci-log exec [options] -- ${u} ...`;
    if (given === undefined && u === firstWord) {
      const near = closest(u, [...byName.keys(), 'completion']);
      if (near.length > 0) return `${u} is not an oci-log command; did you mean ${orList(near.map((n) => `oci-log ${n}`))}?`;
      if (/^[^/\s]+\/[^/\s]+$/.test(u)) return `unexpected argument ${u}: give a log by name as --log ${u}`;
      return `${u} is not an oci-log command (commands: ${[...byName.keys()].join(', ')}); oci-log send reads the lines to send from stdin`;
    }
    if (/^[^/\s]+\/[^/\s]+$/.test(u)) return `unexpected argument ${u}: give a log by name as --log ${u}`;
    return `unexpected argument ${u}`;
  });
  return lines.join('; ');
}

/** The arguments named in yargs' "Unknown argument: a" / "Unknown arguments: a, b", or undefined for another message. */
export function unknownArguments(message: string): string[] | undefined {
  const m = /^Unknown arguments?: (.*)$/s.exec(message);
  if (m?.[1] === undefined) return undefined;
  const names = m[1].split(', ').filter((s) => s !== '');
  // yargs names an unknown --such-flag twice, also as suchFlag.
  const kebab = new Set(names.filter((n) => n.includes('-')).map((n) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())));
  return names.filter((n) => n.includes('-') || !kebab.has(n));
}

import type { CommandModule } from 'yargs';
import { NameCache, defaultNameCachePath } from '../core/name-cache.js';
import { UsageError } from '../errors.js';
import type { DefinedCommand } from './define-command.js';
import { commandName } from './define-command.js';
import type { CliIo } from './io.js';
import { builtinOptions, globalOptions } from './options/global-options.js';
import type { OptionSpec, OptionTable } from './options/option-spec.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The hidden command the scripts call back: `oci-log __complete -- WORD... CURRENT`. */
const CALLBACK = '__complete';

const SCRIPTS: Record<Shell, string> = {
  bash: `# oci-log completion for bash. Load it with
#   source <(oci-log completion bash)
# or save it as ~/.local/share/bash-completion/completions/oci-log
_oci_log() {
  local IFS=$'\\n'
  COMPREPLY=($(oci-log ${CALLBACK} -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _oci_log oci-log
`,
  zsh: `#compdef oci-log
# oci-log completion for zsh. Load it with
#   source <(oci-log completion zsh)
# or save it as _oci-log in a folder of your $fpath
_oci_log() {
  local -a candidates
  candidates=("\${(@f)$(oci-log ${CALLBACK} -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( \${#candidates} )) && [[ -n \${candidates[1]} ]]; then
    compadd -Q -a candidates
  else
    _files
  fi
}
if (( $+functions[compdef] )); then compdef _oci_log oci-log; fi
`,
  fish: `# oci-log completion for fish. Load it with
#   oci-log completion fish | source
# or save it as ~/.config/fish/completions/oci-log.fish
complete -c oci-log -a '(oci-log ${CALLBACK} -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

/** The completion script for a shell. */
export function completionScript(shell: string): string {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion ${shell}: give one of ${SHELLS.join(', ')}`);
  return SCRIPTS[shell as Shell];
}

function tableOf(command: DefinedCommand | undefined): OptionTable {
  return { ...(command?.spec.options ?? {}), ...globalOptions, ...builtinOptions };
}

function findOption(table: OptionTable, flag: string): OptionSpec | undefined {
  const name = flag.replace(/^-+/, '');
  return table[name] ?? Object.values(table).find((s) => s.alias === name);
}

/**
 * What may come next on a command line: `words` are the words after
 * `oci-log`, the last one being the word under the cursor (maybe empty).
 * Commands, the command's options, an option's choices, and the GROUP/LOG
 * names of the name cache for --log (no call: completion must be instant).
 * Nothing means "let the shell complete file names".
 */
export function completeWords(words: readonly string[], commands: readonly DefinedCommand[], env: Readonly<Record<string, string | undefined>>): string[] {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  if (before.includes('--')) return [];
  const byName = new Map(commands.map((c) => [commandName(c.spec), c]));
  const given = before.find((w) => byName.has(w));
  const table = tableOf(byName.get(given ?? 'send'));
  const previous = before.at(-1);
  const option = previous?.startsWith('-') ? findOption(table, previous) : undefined;
  let candidates: string[];
  if (option && option.type !== 'boolean') {
    if ('choices' in option && option.choices) candidates = [...option.choices];
    else if (previous === '--log') candidates = new NameCache(defaultNameCachePath(env)).namesIn();
    else if (previous === '--log-group') candidates = [...new Set(new NameCache(defaultNameCachePath(env)).namesIn().map((n) => n.split('/')[0] ?? ''))];
    else return [];
  } else if (current.startsWith('-')) {
    candidates = Object.entries(table).flatMap(([name, spec]) => [`--${name}`, ...(spec.type === 'boolean' && spec.default === true ? [`--no-${name}`] : [])]);
  } else if (given === undefined && before.every((w) => w.startsWith('-'))) {
    candidates = [...byName.keys(), 'completion'];
  } else if (before.at(-1) === 'completion') {
    candidates = [...SHELLS];
  } else {
    return [];
  }
  return candidates.filter((c) => c.startsWith(current)).sort();
}

/** `oci-log completion SHELL` and the hidden callback its scripts use. */
export function completionCommands(commands: readonly DefinedCommand[]): Array<CommandModule<object, object>> {
  return [
    {
      // The shell is read from the words, not declared as <shell>: a longer command column would crowd the top --help.
      command: 'completion',
      describe: 'Print a shell completion script: oci-log completion bash|zsh|fish',
      builder: (y) => y.strict(false).usage('Usage: $0 completion bash|zsh|fish\n\nPrint a completion script: commands, options, choices and cached log names.').example('source <(oci-log completion bash)', 'complete oci-log in this bash'),
      handler: (argv) => {
        const { io, _: words } = argv as unknown as { io: CliIo; _: unknown[] };
        if (words.length !== 2) throw new UsageError(`completion: give one shell, one of ${SHELLS.join(', ')}`);
        io.stdout.write(completionScript(String(words[1])));
      },
    },
    {
      command: `${CALLBACK} [words..]`,
      describe: false,
      builder: (y) => y.strict(false).parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true }),
      handler: (argv) => {
        const { io } = argv as unknown as { io: CliIo };
        const words = ((argv as unknown as { '--'?: unknown[] })['--'] ?? []).map(String);
        const out = completeWords(words, commands, io.env);
        if (out.length > 0) io.stdout.write(out.join('\n') + '\n');
      },
    },
  ];
}

import type { Argv, CommandModule } from 'yargs';
import type { CliIo } from './io.js';
import { builtinOptions, globalOptions } from './options/global-options.js';
import type { GlobalOptions } from './options/global-options.js';
import { GROUP_HEADINGS, GROUP_ORDER } from './options/option-spec.js';
import type { OptionTable, OptionValues } from './options/option-spec.js';
import { toYargsOption } from './options/help-text.js';
import { readOptions } from './options/read-options.js';

/** What a handler receives: its own options checked and typed from their table, the global ones, and the io. */
export type ParsedArgs<O extends OptionTable> = OptionValues<O> &
  GlobalOptions & {
    io: CliIo;
    _: Array<string | number>;
    /** Words after `--` (exec's command line). */
    '--'?: Array<string | number>;
  };

export interface CommandSpec<O extends OptionTable> {
  /** The yargs command: its name first, then positionals (`replay <file..>`); `$0` marks the default command. */
  command: string | readonly string[];
  describe: string;
  options: O;
  /** A usage line instead of yargs' own; the description is shown under it. */
  usage?: string;
  examples?: ReadonlyArray<readonly [string, string]>;
  /** Said after the options in --help. */
  epilogue?: string;
  /** Anything else the builder needs: positionals, checks. */
  configure?: (yargs: Argv) => Argv;
  handler(argv: ParsedArgs<O>): Promise<void>;
}

/** A yargs command module that keeps its definition, for the docs generator. */
export type DefinedCommand = CommandModule<object, object> & { spec: CommandSpec<OptionTable> };

/** The heading of the group of required options, shown first. */
const REQUIRED_HEADING = 'Required:';

/** The command's name as the docs write it: "send", "replay", "create-log". */
export function commandName(spec: CommandSpec<OptionTable>): string {
  const first = typeof spec.command === 'string' ? spec.command : (spec.command[0] ?? '');
  return first.split(' ')[0] ?? first;
}

/** Groups for --help: required options first, then target, the command's own, lines, delivery, spool, connection, global. */
function groupOptions(yargs: Argv, options: OptionTable): Argv {
  const all: OptionTable = { ...options, ...globalOptions, ...builtinOptions };
  const keys = Object.keys(all);
  const required = keys.filter((k) => all[k]?.required === true);
  let y = required.length > 0 ? yargs.group(required, REQUIRED_HEADING) : yargs;
  for (const group of GROUP_ORDER) {
    const inGroup = keys.filter((k) => !required.includes(k) && (all[k]?.group ?? 'command') === group);
    if (inGroup.length > 0) y = y.group(inGroup, GROUP_HEADINGS[group]);
  }
  return y;
}

/**
 * Turns a command's option table and handler into a yargs command module.
 * The handler's argument types come from the table, and its values are
 * checked against the table (readOptions) before it runs.
 */
export function defineCommand<O extends OptionTable>(spec: CommandSpec<O>): DefinedCommand {
  return {
    command: typeof spec.command === 'string' ? spec.command : [...spec.command],
    describe: spec.describe,
    builder: (yargs: Argv) => {
      const yargsOptions = Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, toYargsOption(option)]));
      let y = groupOptions(yargs.options(yargsOptions), spec.options);
      if (spec.usage !== undefined) y = y.usage(`${spec.usage}\n\n${spec.describe}`);
      // Each example on lines of its own (what it does, as a shell comment, then the command),
      // never in yargs' two columns, which cut a command across lines mid-argument.
      for (const [cmd, text] of spec.examples ?? []) y = y.example(`# ${text}`, '').example(cmd, '');
      if (spec.epilogue !== undefined) y = y.epilogue(spec.epilogue);
      return spec.configure ? spec.configure(y) : y;
    },
    handler: (argv: Record<string, unknown>) => spec.handler(readOptions({ ...globalOptions, ...spec.options }, argv) as unknown as ParsedArgs<O>),
    spec: spec as unknown as CommandSpec<OptionTable>,
  };
}

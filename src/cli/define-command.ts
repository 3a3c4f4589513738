import type { Argv, CommandModule, InferredOptionTypes, Options } from 'yargs';
import type { CliIo } from './io.js';
import type { GlobalOptions } from './options/global-options.js';

/** What a handler receives: its own flags typed from their definitions, the global ones, and the io. */
export type ParsedArgs<O extends Record<string, Options>> = InferredOptionTypes<O> &
  GlobalOptions & {
    io: CliIo;
    _: Array<string | number>;
    /** Words after `--` (exec's command line). */
    '--'?: Array<string | number>;
  };

export interface CommandSpec<O extends Record<string, Options>> {
  command: string | string[];
  describe: string;
  options: O;
  examples?: Array<[string, string]>;
  /** Anything else the builder needs: positionals, checks, option groups. */
  configure?: (yargs: Argv) => Argv;
  handler(argv: ParsedArgs<O>): Promise<void>;
}

/**
 * Turns a command's option table and handler into a yargs command module,
 * keeping the handler's argument types derived from the option table.
 */
export function defineCommand<O extends Record<string, Options>>(spec: CommandSpec<O>): CommandModule<object, any> {
  return {
    command: spec.command,
    describe: spec.describe,
    builder: (yargs: Argv) => {
      let y = yargs.options(spec.options);
      for (const [cmd, text] of spec.examples ?? []) y = y.example(cmd, text);
      return spec.configure ? spec.configure(y) : y;
    },
    handler: (argv: unknown) => spec.handler(argv as ParsedArgs<O>),
  };
}

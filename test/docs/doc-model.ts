import { commands } from '../../src/cli/commands/index.js';
import { commandName } from '../../src/cli/define-command.js';
import { connectionOptions } from '../../src/cli/options/connection-options.js';
import { OTHER_ENVIRONMENT } from '../../src/cli/options/environment.js';
import { builtinOptions, globalOptions } from '../../src/cli/options/global-options.js';
import type { OptionSpec } from '../../src/cli/options/option-spec.js';

export interface DocOption {
  flag: string;
  spec: OptionSpec;
}

/** Options a command shares with one documented earlier (the same table entry). */
export interface SharedOptions {
  command: string;
  flags: string[];
}

export interface DocCommand {
  name: string;
  /** Its own options, documented here. */
  options: DocOption[];
  /** Options documented under an earlier command. */
  shared: SharedOptions[];
  /** Whether it takes the connection options (documented once, with the common options). */
  connection: boolean;
}

function isCommon(spec: OptionSpec): boolean {
  return spec.group === 'connection' || spec.group === 'global';
}

/**
 * The commands in the order they are documented, each with the options it
 * documents itself. An option that is the same table entry as one of an
 * earlier command's (send's delivery options in replay and exec) is
 * documented once and referred to after.
 */
export function docCommands(): DocCommand[] {
  const firstSeen = new Map<OptionSpec, string>();
  return commands.map((command) => {
    const name = commandName(command.spec);
    const options: DocOption[] = [];
    const shared = new Map<string, string[]>();
    let connection = false;
    for (const [flag, spec] of Object.entries(command.spec.options)) {
      if (isCommon(spec)) {
        connection ||= spec.group === 'connection';
        continue;
      }
      const earlier = firstSeen.get(spec);
      if (earlier === undefined) {
        firstSeen.set(spec, name);
        options.push({ flag, spec });
      } else {
        shared.set(earlier, [...(shared.get(earlier) ?? []), flag]);
      }
    }
    return { name, options, shared: [...shared].map(([from, flags]) => ({ command: from, flags })), connection };
  });
}

/** The options every command takes, then the connection options. */
export function commonOptions(): { global: DocOption[]; connection: DocOption[] } {
  const list = (table: Record<string, OptionSpec>): DocOption[] => Object.entries(table).map(([flag, spec]) => ({ flag, spec }));
  return { global: list({ ...builtinOptions, ...globalOptions }), connection: list(connectionOptions) };
}

export interface DocVariable {
  name: string;
  /** The flags it stands in for, or undefined for a variable no option names. */
  flags: string[] | undefined;
  description: string;
}

/** Every variable oci-log reads: those of options (once each, in order of first use), then the others. */
export function docEnvironment(): DocVariable[] {
  const byName = new Map<string, DocVariable>();
  const { connection } = commonOptions();
  const all = [...connection, ...commands.flatMap((c) => Object.entries(c.spec.options).map(([flag, spec]) => ({ flag, spec })))];
  for (const { flag, spec } of all) {
    if (spec.env === undefined) continue;
    const known = byName.get(spec.env);
    if (known === undefined) byName.set(spec.env, { name: spec.env, flags: [flag], description: spec.description });
    else if (!known.flags?.includes(flag)) known.flags?.push(flag);
  }
  return [...byName.values(), ...OTHER_ENVIRONMENT.map((v) => ({ ...v, flags: undefined }))];
}

import type { CommandModule } from 'yargs';
import { emulatorCommand } from './emulator.js';
import { replayCommand } from './replay.js';
import { sendCommand } from './send.js';

/**
 * Every oci-log command, one module each. Listed here rather than found with
 * commandDir() because commandDir does not work with ES modules.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs' own module type; each module is typed inside
export const commands: ReadonlyArray<CommandModule<object, any>> = [sendCommand, replayCommand, emulatorCommand];

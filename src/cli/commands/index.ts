import type { DefinedCommand } from '../define-command.js';
import { createLogCommand } from './create-log.js';
import { createLogGroupCommand } from './create-log-group.js';
import { emulatorCommand } from './emulator.js';
import { execCommand } from './exec.js';
import { flushCommand } from './flush.js';
import { listLogGroupsCommand, listLogsCommand } from './list.js';
import { queryCommand } from './query.js';
import { replayCommand } from './replay.js';
import { sendCommand } from './send.js';

/**
 * Every oci-log command, one module each. Listed here rather than found with
 * commandDir() because commandDir does not work with ES modules.
 */
export const commands: readonly DefinedCommand[] = [
  sendCommand,
  replayCommand,
  flushCommand,
  createLogGroupCommand,
  createLogCommand,
  listLogGroupsCommand,
  listLogsCommand,
  queryCommand,
  execCommand,
  emulatorCommand,
];

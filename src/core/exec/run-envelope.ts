import type { ChildOutcome, StreamName } from './run-child.js';

/**
 * What `oci-log exec` writes to the log. Every entry of a run is a JSON
 * object carrying the same `run` id, so `data.run = '<id>'` picks one run
 * out of a busy log:
 *   output lines  {"run","stream":"stdout"|"stderr","line"}   subject = stream
 *   start         {"run","event":"start","command","pid","host","start"}   subject = "run"
 *   end           {"run","event":"end","exitStatus","exitCode","signal","timedOut",
 *                  "durationMs","lines":{"stdout","stderr"},"delivered", …}   subject = "run"
 */
export const ENVELOPE_SUBJECT = 'run';

export interface RunIdentity {
  run: string;
  command: readonly string[];
  host: string;
}

export interface OutputLine {
  run: string;
  stream: StreamName;
  line: string;
}

export interface StartEntry {
  run: string;
  event: 'start';
  command: readonly string[];
  pid: number | null;
  host: string;
  start: string;
  /** Set when the command could not be started. */
  error?: string;
}

export interface EndEntry {
  run: string;
  event: 'end';
  /** The status oci-log passes on for the command: its code, 128+N, 126 or 127. */
  exitStatus: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  start: string;
  end: string;
  durationMs: number;
  lines: Record<StreamName, number>;
  /** False when some lines are not in the log yet: in the dead-letter file, or waiting in the spool. */
  delivered: boolean;
  deadLetterFile?: string;
  /** Entries still waiting in the spool when the run ended (the next oci-log run or flush sends them). */
  spooled?: number;
  /** Processes the command left behind held its output open and were killed: later output was cut off. */
  outputCutOff?: boolean;
  error?: string;
}

export function outputLineData(run: string, stream: StreamName, line: string): string {
  const entry: OutputLine = { run, stream, line };
  return JSON.stringify(entry);
}

export function startEntryData(identity: RunIdentity, pid: number | undefined, startedAt: Date, error?: string): string {
  const entry: StartEntry = {
    run: identity.run,
    event: 'start',
    command: identity.command,
    pid: pid ?? null,
    host: identity.host,
    start: startedAt.toISOString(),
    ...(error === undefined ? {} : { error }),
  };
  return JSON.stringify(entry);
}

export interface EndDetails {
  exitStatus: number;
  lines: Record<StreamName, number>;
  delivered: boolean;
  deadLetterFile: string | undefined;
  spooled: number;
  endedAt: Date;
}

export function endEntryData(identity: RunIdentity, outcome: ChildOutcome, details: EndDetails): string {
  const entry: EndEntry = {
    run: identity.run,
    event: 'end',
    exitStatus: details.exitStatus,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    start: outcome.startedAt.toISOString(),
    end: details.endedAt.toISOString(),
    durationMs: Math.round(outcome.durationMs),
    lines: details.lines,
    delivered: details.delivered,
    ...(details.deadLetterFile === undefined ? {} : { deadLetterFile: details.deadLetterFile }),
    ...(details.spooled > 0 ? { spooled: details.spooled } : {}),
    ...(outcome.outputCutOff ? { outputCutOff: true } : {}),
    ...(outcome.spawnError === undefined ? {} : { error: spawnErrorMessage(outcome.spawnError) }),
  };
  return JSON.stringify(entry);
}

/** "command not found" / "permission denied", as a shell would say it. */
export function spawnErrorMessage(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return 'command not found';
  if (err.code === 'EACCES') return 'permission denied (not executable)';
  return err.message;
}

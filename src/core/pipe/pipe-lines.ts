import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../clock.js';
import type { LineOptions } from '../lines/line-options.js';
import type { EntryIdGenerator } from './entry-id.js';
import { createLineFeeder } from './line-feeder.js';
import { createTee } from './tee.js';
import type { EntryMeta } from './shipper.js';
import type { EntrySink } from './line-feeder.js';

export interface PipeLinesOptions {
  input: Readable;
  shipper: EntrySink;
  ids: EntryIdGenerator;
  /** Copy the input here unchanged (--tee); a closed output stops the copy, not the shipping. */
  tee?: Writable | undefined;
  /** Per-entry metadata (exec marks its streams this way). */
  meta?: EntryMeta;
  /** Wraps each piece's text before it is shipped (exec's JSON envelope). */
  wrap?: (text: string) => string;
  /** Max characters a piece may have (10,000 unless the wrapper needs room). */
  maxPieceChars?: number;
  /** Redaction, multiline, the line's own time and subject (see LineFeederOptions). */
  lines?: LineOptions | undefined;
  clock?: Clock;
  now?: () => number;
}

export interface PipeLinesResult {
  lines: number;
  bytes: number;
  /** True when stop() ended the reading before the input did. */
  stopped: boolean;
  /** Set when reading the input failed: what was read before is shipped. */
  error?: Error | undefined;
}

export interface LinePipe {
  done: Promise<PipeLinesResult>;
  /** Stop reading now (a signal): what was read is already with the shipper. */
  stop(): void;
}

/**
 * Reads a stream, splits it into lines (grouped, redacted and timed as
 * `lines` says) and line pieces, and hands each to the shipper with a
 * write-ordered id. Reading pauses while the shipper applies backpressure.
 */
export function pipeLines(options: PipeLinesOptions): LinePipe {
  const { input } = options;
  const feeder = createLineFeeder(options);
  let bytes = 0;

  let finish: (r: PipeLinesResult) => void = () => undefined;
  const done = new Promise<PipeLinesResult>((resolve) => (finish = resolve));
  let finished = false;
  let error: Error | undefined;
  const end = (stopped: boolean): void => {
    if (finished) return;
    finished = true;
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('error', onError);
    if (!stopped) feeder.end();
    finish({ lines: feeder.lines, bytes, stopped, error });
  };

  const teeWrite = createTee(options.tee);

  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    // Into the spool first: what --tee shows (or a watcher sees) has been read for good.
    const wait = feeder.push(chunk);
    const teeWait = teeWrite(chunk);
    const waits = [wait, teeWait].filter((w): w is Promise<void> => w !== undefined);
    if (waits.length > 0) {
      input.pause();
      void Promise.all(waits).then(() => {
        if (!finished) input.resume();
      });
    }
  };
  const onEnd = (): void => end(false);
  const onError = (err: Error): void => {
    error = err;
    end(false);
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onError);

  return {
    done,
    stop: () => {
      if (finished) return;
      input.pause();
      // What was read is with the shipper; a line cut short by the stop, and an open group, are kept too.
      feeder.end();
      end(true);
    },
  };
}

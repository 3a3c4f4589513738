import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../clock.js';
import type { LineOptions } from '../lines/line-options.js';
import type { EntryIdGenerator } from './entry-id.js';
import { createLineFeeder } from './line-feeder.js';
import { createTee } from './tee.js';
import type { EntryMeta } from './shipper.js';
import type { EntrySink } from './line-feeder.js';

/** The most bytes handed to the feeder at once (a pipe's own chunk size)… */
const MAX_SLICE = 64 * 1024;
/** …and the least, for a stream of tiny lines. */
const MIN_SLICE = 4 * 1024;
/** Lines a slice should hold, about: one request's worth. */
const LINES_PER_SLICE = 1000;

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
 * The end, an error and stop() all end the feeder: the last line and an
 * open group are kept.
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
    feeder.end();
    finish({ lines: feeder.lines, bytes, stopped, error });
  };

  const teeWrite = createTee(options.tee);

  /**
   * A chunk goes to the feeder in slices of about a thousand lines (as the
   * lines so far measure them: 4 to 64 KiB), waiting between them when the
   * shipper asks: a chunk of tiny lines (a megabyte of empty lines is a
   * million entries) must not become a thousand batches in memory at once.
   */
  let slice = MAX_SLICE;
  let busy = false;
  let stopping = false;
  /** Settles at stop(): a wait for the shipper (a full spool, say) must not hold a stop. */
  let onStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (onStop = resolve));
  let ended = false;
  /** After a chunk is fed whole: stop, end, or read on. */
  const next = (): void => {
    busy = false;
    if (stopping) end(true);
    else if (ended) end(false);
    else if (!finished) input.resume();
  };
  const feed = (part: Buffer): Promise<void> | undefined => {
    const before = feeder.lines;
    // Into the spool first: what --tee shows (or a watcher sees) has been read for good.
    const wait = feeder.push(part);
    const teeWait = teeWrite(part);
    const lines = feeder.lines - before;
    if (lines > 0) slice = Math.min(MAX_SLICE, Math.max(MIN_SLICE, Math.round((part.length / lines) * LINES_PER_SLICE)));
    if (wait && teeWait) return Promise.all([wait, teeWait]).then(() => undefined);
    return wait ?? teeWait;
  };
  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    if (chunk.length <= slice) {
      const wait = feed(chunk);
      if (wait) {
        input.pause();
        busy = true;
        void Promise.race([wait, stopSignal]).then(next);
      }
      return;
    }
    input.pause();
    busy = true;
    void (async () => {
      for (let at = 0; at < chunk.length; ) {
        const part = chunk.subarray(at, at + slice);
        at += part.length;
        const wait = feed(part);
        // After a stop, what was read is still taken whole, without waiting.
        if (wait && !stopping) await Promise.race([wait, stopSignal]);
      }
      next();
    })();
  };
  const onEnd = (): void => {
    if (busy) ended = true;
    else end(false);
  };
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
      if (finished || stopping) return;
      stopping = true;
      onStop();
      input.pause();
      // A chunk being fed is taken whole first; then the line cut short by the stop is kept too.
      if (!busy) end(true);
    },
  };
}

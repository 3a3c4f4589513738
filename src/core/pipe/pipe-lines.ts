import type { Readable, Writable } from 'node:stream';
import type { EntryIdGenerator } from './entry-id.js';
import { PieceSplitter, pieceId } from './entry-pieces.js';
import { LineSplitter } from './line-splitter.js';
import type { EntryMeta, Shipper } from './shipper.js';

export interface PipeLinesOptions {
  input: Readable;
  shipper: Shipper;
  ids: EntryIdGenerator;
  /** Copy the input here unchanged (--tee); a closed output stops the copy, not the shipping. */
  tee?: Writable | undefined;
  /** Per-entry metadata (exec marks its streams this way). */
  meta?: EntryMeta;
  /** Wraps each piece's text before it is shipped (exec's JSON envelope). */
  wrap?: (text: string) => string;
  /** Max characters a piece may have (10,000 unless the wrapper needs room). */
  maxPieceChars?: number;
  now?: () => number;
}

export interface PipeLinesResult {
  lines: number;
  bytes: number;
  /** True when stop() ended the reading before the input did. */
  stopped: boolean;
}

export interface LinePipe {
  done: Promise<PipeLinesResult>;
  /** Stop reading now (a signal): what was read is already with the shipper. */
  stop(): void;
}

/**
 * Reads a stream, splits it into lines and line pieces, and hands each to the
 * shipper with the time it was read and a write-ordered id. Reading pauses
 * while the shipper applies backpressure.
 */
export function pipeLines(options: PipeLinesOptions): LinePipe {
  const { input, shipper, ids, meta, wrap } = options;
  const now = options.now ?? Date.now;
  const splitter = new LineSplitter();
  const pieces = new PieceSplitter(options.maxPieceChars);
  let tee = options.tee;
  let lines = 0;
  let bytes = 0;
  let lineId = '';
  let readAt = 0;
  let wait: Promise<void> | undefined;

  const onPiece = (text: string, piece: number): void => {
    if (piece <= 1) lineId = ids.next();
    const w = shipper.add(wrap ? wrap(text) : text, pieceId(lineId, piece), readAt, meta);
    if (w) wait = w;
  };
  const onLine = (text: string, more: boolean): void => {
    if (!more) lines += 1;
    pieces.push(text, more, onPiece);
  };

  let finish: (r: PipeLinesResult) => void = () => undefined;
  const done = new Promise<PipeLinesResult>((resolve) => (finish = resolve));
  let finished = false;
  const end = (stopped: boolean): void => {
    if (finished) return;
    finished = true;
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('error', onError);
    if (!stopped) {
      readAt = now();
      splitter.end(onLine);
    }
    finish({ lines, bytes, stopped });
  };

  const teeWrite = (chunk: Buffer): Promise<void> | undefined => {
    if (!tee) return undefined;
    try {
      if (tee.write(chunk)) return undefined;
    } catch {
      tee = undefined;
      return undefined;
    }
    const t = tee;
    return new Promise((resolve) => {
      const done = (): void => {
        t.off('drain', done);
        t.off('error', done);
        t.off('close', done);
        resolve();
      };
      t.on('drain', done);
      t.on('error', done);
      t.on('close', done);
    });
  };
  if (tee) {
    tee.on('error', () => {
      tee = undefined;
    });
  }

  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    readAt = now();
    const teeWait = teeWrite(chunk);
    wait = undefined;
    splitter.push(chunk, onLine);
    const waits = [wait, teeWait].filter((w): w is Promise<void> => w !== undefined);
    if (waits.length > 0) {
      input.pause();
      void Promise.all(waits).then(() => {
        if (!finished) input.resume();
      });
    }
  };
  const onEnd = (): void => end(false);
  const onError = (): void => end(false);
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onError);

  return {
    done,
    stop: () => {
      if (finished) return;
      input.pause();
      // What was read is with the shipper; a line cut short by the stop is kept too.
      readAt = now();
      splitter.end(onLine);
      end(true);
    },
  };
}

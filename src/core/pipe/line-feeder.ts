import type { EntryIdGenerator } from './entry-id.js';
import { PieceSplitter, pieceId } from './entry-pieces.js';
import { LineSplitter } from './line-splitter.js';
import type { EntryMeta, Shipper } from './shipper.js';

export interface LineFeederOptions {
  shipper: Shipper;
  /** Shared by every feeder of one run, so ids sort in write order across streams. */
  ids: EntryIdGenerator;
  meta?: EntryMeta;
  /** Wraps each piece's text before it is shipped (exec's JSON envelope). */
  wrap?: (text: string) => string;
  /** Max characters a piece may have (10,000 unless the wrapper needs room). */
  maxPieceChars?: number;
  now?: () => number;
}

export interface LineFeeder {
  /** Feeds bytes; a returned promise asks the caller to wait before feeding more. */
  push(chunk: Buffer): Promise<void> | undefined;
  /** End of input: ships the last line even without a final newline. */
  end(): void;
  readonly lines: number;
}

/**
 * Bytes in, entries out: splits into lines and line pieces and hands each to
 * the shipper with the time it was read and a write-ordered id.
 */
export function createLineFeeder(options: LineFeederOptions): LineFeeder {
  const { shipper, ids, meta, wrap } = options;
  const now = options.now ?? Date.now;
  const splitter = new LineSplitter();
  const pieces = new PieceSplitter(options.maxPieceChars);
  let lines = 0;
  let lineId = '';
  let readAt = 0;
  /** When the current line's first byte was read: all its pieces get this time. */
  let lineAt = 0;
  let midLine = false;
  let wait: Promise<void> | undefined;
  const onPiece = (text: string, piece: number): void => {
    if (piece <= 1) lineId = ids.next();
    const w = shipper.add(wrap ? wrap(text) : text, pieceId(lineId, piece), lineAt, meta);
    if (w) wait = w;
  };
  const onLine = (text: string, more: boolean): void => {
    if (!midLine) lineAt = readAt;
    midLine = more;
    if (!more) lines += 1;
    pieces.push(text, more, onPiece);
  };
  return {
    push: (chunk) => {
      readAt = now();
      wait = undefined;
      splitter.push(chunk, onLine);
      return wait;
    },
    end: () => {
      readAt = now();
      splitter.end(onLine);
    },
    get lines() {
      return lines;
    },
  };
}

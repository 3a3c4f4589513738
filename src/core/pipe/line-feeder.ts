import type { EntryIdGenerator } from './entry-id.js';
import { PieceSplitter, pieceId } from './entry-pieces.js';
import { LineSplitter } from './line-splitter.js';
import type { EntryMeta } from './shipper.js';

/** Where entries go: the shipper, or a test's stand-in. */
export interface EntrySink {
  add(data: string, id: string, timeMs: number, meta?: EntryMeta): void;
  /** Called after each chunk's entries: writes them ahead; a promise asks the reader to wait. */
  commit(): Promise<void> | undefined;
}

export interface LineFeederOptions {
  shipper: EntrySink;
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
  const onPiece = (text: string, piece: number): void => {
    if (piece <= 1) lineId = ids.next();
    shipper.add(wrap ? wrap(text) : text, pieceId(lineId, piece), lineAt, meta);
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
      splitter.push(chunk, onLine);
      // Written ahead to the spool before the next chunk is read.
      return shipper.commit();
    },
    end: () => {
      readAt = now();
      splitter.end(onLine);
      void shipper.commit();
    },
    get lines() {
      return lines;
    },
  };
}

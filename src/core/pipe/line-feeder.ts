import { systemClock } from '../clock.js';
import type { Clock, ClockTimer } from '../clock.js';
import { JsonFieldReader } from '../lines/json-field.js';
import { anyLineOptions } from '../lines/line-options.js';
import type { LineOptions } from '../lines/line-options.js';
import { LineTime } from '../lines/line-time.js';
import { createGrouper, LineJoiner } from '../lines/multiline.js';
import type { GroupSink } from '../lines/multiline.js';
import { Redactor } from '../lines/redact.js';
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
  /** Redaction, multiline, the line's own time and subject; none of it: one line, one entry, timed when read. */
  lines?: LineOptions | undefined;
  /** Time, and the timer that closes a multiline group after silence (default: the system's). */
  clock?: Clock;
  /** When a chunk was read (default: the clock's time). */
  now?: () => number;
}

export interface LineFeeder {
  /** Feeds bytes; a returned promise asks the caller to wait before feeding more. */
  push(chunk: Buffer): Promise<void> | undefined;
  /** End of input: ships the last line even without a final newline, and the last group. */
  end(): void;
  readonly lines: number;
}

/**
 * Bytes in, entries out: splits into lines and line pieces and hands each to
 * the shipper with the time it was read and a write-ordered id. With line
 * options, see createLineStagesFeeder.
 */
export function createLineFeeder(options: LineFeederOptions): LineFeeder {
  if (anyLineOptions(options.lines)) return createLineStagesFeeder(options, options.lines);
  const { shipper, ids, meta, wrap } = options;
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => clock.now());
  const splitter = new LineSplitter();
  const pieces = new PieceSplitter(options.maxPieceChars, wrap === undefined);
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

/** Distinct subjects whose meta objects are kept for reuse. */
const SUBJECT_CACHE = 1000;

/**
 * The line stages, in the order the issues fix: each line is redacted first
 * (so no secret reaches the spool, the dead-letter file or --dry-run), then
 * grouped with the lines that belong to it (a group is one entry, its lines
 * joined with \n), then given the time and subject its first line says,
 * then cut into pieces like any long line. A group goes at the next start
 * line, after --multiline-timeout without input (the clock's timer), at the
 * end of input or a signal (end()), and at the size cap.
 */
function createLineStagesFeeder(options: LineFeederOptions, lineOptions: LineOptions): LineFeeder {
  const { shipper, ids, meta, wrap } = options;
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => clock.now());
  const splitter = new LineSplitter();
  const pieces = new PieceSplitter(options.maxPieceChars, wrap === undefined);
  const redactor = lineOptions.redaction === undefined ? undefined : new Redactor(lineOptions.redaction, lineOptions.stats);
  const lineTime = new LineTime(lineOptions.time, lineOptions.stats, lineOptions.notice);
  const subjectField = lineOptions.subjectKey === undefined ? undefined : new JsonFieldReader(lineOptions.subjectKey);
  const subjects = new Map<string, EntryMeta>();

  let lines = 0;
  let readAt = 0;
  let lineAt = 0;
  let inLine = false;
  let groupId = '';
  let groupAt = 0;
  let groupMeta = meta;

  const subjectMeta = (first: string): EntryMeta | undefined => {
    const value = subjectField?.read(first);
    if (value === undefined || value.kind === 'other' || value.text === '') return meta;
    let m = subjects.get(value.text);
    if (m === undefined) {
      m = { ...meta, subject: value.text };
      if (subjects.size < SUBJECT_CACHE) subjects.set(value.text, m);
    }
    return m;
  };
  const onPiece = (text: string, piece: number): void => {
    shipper.add(wrap ? wrap(text) : text, pieceId(groupId, piece), groupAt, groupMeta);
  };
  const sink: GroupSink = {
    open: (first, at) => {
      groupId = ids.next();
      groupAt = lineTime.active ? lineTime.timeOf(first, at) : at;
      if (subjectField !== undefined) groupMeta = subjectMeta(first);
    },
    write: (text, more) => pieces.push(text, more, onPiece),
  };
  const joiner = lineOptions.multiline === undefined ? undefined : new LineJoiner(createGrouper(lineOptions.multiline), sink);
  let single = false;
  const toGroups = (text: string, more: boolean): void => {
    if (joiner !== undefined) {
      joiner.push(text, more, lineAt);
      return;
    }
    if (!single) sink.open(text, lineAt);
    sink.write(text, more);
    single = more;
  };
  const onLine = (text: string, more: boolean): void => {
    if (!inLine) lineAt = readAt;
    inLine = more;
    if (!more) lines += 1;
    if (redactor !== undefined) redactor.push(text, more, toGroups);
    else toGroups(text, more);
  };

  // One timer per feeder, re-armed from the last input rather than reset on every chunk.
  const timeoutMs = lineOptions.multilineTimeoutMs;
  let timer: ClockTimer | undefined;
  let lastInputAt = 0;
  let ended = false;
  const onTimer = (): void => {
    timer = undefined;
    if (ended || joiner === undefined || !joiner.open) return;
    const quiet = clock.now() - lastInputAt;
    if (quiet >= timeoutMs && !joiner.inLine) {
      joiner.flush();
      void shipper.commit();
      return;
    }
    timer = clock.setTimeout(onTimer, quiet >= timeoutMs ? timeoutMs : timeoutMs - quiet);
  };

  return {
    push: (chunk) => {
      readAt = now();
      lastInputAt = clock.now();
      splitter.push(chunk, onLine);
      if (joiner?.open === true && timer === undefined) timer = clock.setTimeout(onTimer, timeoutMs);
      return shipper.commit();
    },
    end: () => {
      if (ended) return;
      ended = true;
      readAt = now();
      splitter.end(onLine);
      joiner?.flush();
      clock.clearTimeout(timer);
      timer = undefined;
      void shipper.commit();
    },
    get lines() {
      return lines;
    },
  };
}

/**
 * The service truncates a log data field over 10,000 characters, so a longer
 * line is sent as consecutive entries of at most this many characters
 * (UTF-16 code units, never splitting a surrogate pair). The pieces share the
 * line's time; their ids are the line's id with -p0001, -p0002, … appended
 * (see pieceId).
 *
 * A JSON object is different: the service keeps its shape and limits each
 * value, not the whole line. So a longer line that is a JSON object whose
 * every string fits goes whole (up to WHOLE_JSON_BYTES, the size the SDK
 * documents an entry should stay under), and can still be searched by its
 * fields; one with a longer value is split like text, so nothing is cut.
 */
export const MAX_ENTRY_CHARS = 10_000;

/** The largest JSON-object line sent as one entry. */
export const WHOLE_JSON_BYTES = 1_000_000;

/** JSON nesting past which the service reads data as text (and cuts it whole). */
const MAX_JSON_DEPTH = 1000;

/** Receives one entry's text, and its piece number (0: the line is whole). */
export type PieceCallback = (text: string, piece: number) => void;

export class PieceSplitter {
  private buf = '';
  private piece = 0;
  /** The current line began with "{": held whole until it ends or outgrows WHOLE_JSON_BYTES. */
  private holding = false;

  /**
   * @param maxChars the most characters in one piece
   * @param wholeJson send a long line that is a JSON object with no value over
   *   maxChars as one entry (false when the line is wrapped in other JSON, as exec does)
   */
  constructor(
    private readonly maxChars = MAX_ENTRY_CHARS,
    private readonly wholeJson = false,
  ) {}

  /** Feeds a line or a fragment of one (`more`: the line continues). */
  push(text: string, more: boolean, emit: PieceCallback): void {
    if (!more && this.piece === 0 && this.buf === '' && text.length <= this.maxChars) {
      emit(text, 0);
      return;
    }
    if (this.wholeJson && this.piece === 0 && this.buf === '' && text.charCodeAt(0) === 0x7b) this.holding = true;
    this.buf += text;
    if (this.holding) {
      // characters never outnumber UTF-8 bytes, so this bounds what is held
      if (this.buf.length <= WHOLE_JSON_BYTES) {
        if (more) return;
        this.holding = false;
        if (fitsWhole(this.buf, this.maxChars)) {
          emit(this.buf, 0);
          this.buf = '';
          return;
        }
      } else this.holding = false;
    }
    while (this.buf.length > this.maxChars) {
      let cut = this.maxChars;
      const code = this.buf.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      this.piece += 1;
      emit(this.buf.slice(0, cut), this.piece);
      this.buf = this.buf.slice(cut);
    }
    if (!more) {
      if (this.piece === 0) emit(this.buf, 0);
      else if (this.buf !== '') emit(this.buf, this.piece + 1);
      this.buf = '';
      this.piece = 0;
    }
  }
}

/**
 * Whether the service keeps `text` whole as JSON data: an object, at most
 * WHOLE_JSON_BYTES of UTF-8, nested at most MAX_JSON_DEPTH deep, with no key
 * or string value over `maxChars`.
 */
export function fitsWhole(text: string, maxChars = MAX_ENTRY_CHARS): boolean {
  if (Buffer.byteLength(text) > WHOLE_JSON_BYTES) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  // its own stack: no nesting can overflow the call stack
  const stack: Array<[unknown, number]> = [[parsed, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return false;
    const values = Array.isArray(node) ? node : Object.values(node as object);
    if (!Array.isArray(node) && Object.keys(node as object).some((k) => k.length > maxChars)) return false;
    for (const v of values) {
      if (typeof v === 'string') {
        if (v.length > maxChars) return false;
      } else if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
    }
  }
  return true;
}

/**
 * The id of piece `piece` of a line: the line's id, then -p0001 … -p9999,
 * then -pz00010000 … -pz99999999, then -pzz and 16 digits, and so on: each
 * step up adds a "z" (after every digit) and doubles the digits, so piece ids
 * sort in piece order however many there are.
 */
export function pieceId(lineId: string, piece: number): string {
  if (piece === 0) return lineId;
  let width = 4;
  let prefix = '-p';
  while (piece >= 10 ** width) {
    width *= 2;
    prefix += 'z';
  }
  return lineId + prefix + String(piece).padStart(width, '0');
}

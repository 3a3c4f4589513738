/**
 * The service truncates a log data field over 10,000 characters, so a longer
 * line is sent as consecutive entries of at most this many characters
 * (UTF-16 code units, never splitting a surrogate pair). The pieces share the
 * line's time; their ids are the line's id with -p0001, -p0002, … appended
 * (see pieceId).
 */
export const MAX_ENTRY_CHARS = 10_000;

/** Receives one entry's text, and its piece number (0: the line is whole). */
export type PieceCallback = (text: string, piece: number) => void;

export class PieceSplitter {
  private buf = '';
  private piece = 0;

  constructor(private readonly maxChars = MAX_ENTRY_CHARS) {}

  /** Feeds a line or a fragment of one (`more`: the line continues). */
  push(text: string, more: boolean, emit: PieceCallback): void {
    if (!more && this.piece === 0 && this.buf === '' && text.length <= this.maxChars) {
      emit(text, 0);
      return;
    }
    this.buf += text;
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

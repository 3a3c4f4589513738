import type { LineStats } from './line-stats.js';
import type { LineTimeOptions, TimeNotice } from './line-time.js';
import type { MultilineSpec } from './multiline.js';
import type { Redaction } from './redact.js';

/**
 * What happens to lines between the splitter and the 10,000-character
 * pieces, in this order: redaction (--redact), grouping (--multiline,
 * --multiline-start), the time and subject a line gives (--time-key,
 * --time-prefix, --subject-key). The same for every stream of a run; each
 * stream keeps its own state (an open group, a PEM key being masked).
 */
export interface LineOptions {
  redaction?: Redaction | undefined;
  multiline?: MultilineSpec | undefined;
  /** A group closes after this long without a line (--multiline-timeout). */
  multilineTimeoutMs: number;
  time: LineTimeOptions;
  /** --subject-key: a JSON line's top-level field giving its entry's subject. */
  subjectKey?: string | undefined;
  /** Counts for the summary, shared by the run's streams. */
  stats: LineStats;
  /** Says the first line without a usable time, and the first clamped time. */
  notice?: TimeNotice;
}

/** Whether any of it is asked for (if not, lines take the pipe's plain path). */
export function anyLineOptions(o: LineOptions | undefined): o is LineOptions {
  if (o === undefined) return false;
  return o.redaction !== undefined || o.multiline !== undefined || o.time.timeKey !== undefined || o.time.timePrefix === true || o.subjectKey !== undefined;
}

/**
 * The entry times oci-log sends, relative to when the line was read: the one
 * place these limits live.
 *
 * Oracle's documentation of PutLogs and LogEntry (the API reference, the SDK
 * models, the CLI's put-logs page) gives `time` as an RFC 3339 time and
 * states no window; none of the pages found says what the service does with
 * a time far in the past or future. So the limits here are a guard, chosen
 * so that a bad time in one line cannot get its whole request refused (a 400
 * dead-letters every entry of the request), while real times pass:
 * - 30 days back: the shortest retention a log can have, so an older entry
 *   would be past its log's retention on arrival;
 * - 10 minutes ahead: more than any clock skew between hosts that keep
 *   time; a time further ahead is a wrong zone or unit, and would hide the
 *   entry from searches of the present.
 * A time outside is clamped to the nearest limit (the line's text keeps the
 * original), counted, and said once; never dropped.
 */
export const ENTRY_TIME_WINDOW = {
  pastMs: 30 * 86_400_000,
  futureMs: 10 * 60_000,
} as const;

/** `timeMs` moved inside the window around `readAtMs`; `clamped` says whether it had to be. */
export function clampTime(timeMs: number, readAtMs: number): { ms: number; clamped: boolean } {
  const min = readAtMs - ENTRY_TIME_WINDOW.pastMs;
  const max = readAtMs + ENTRY_TIME_WINDOW.futureMs;
  if (timeMs < min) return { ms: min, clamped: true };
  if (timeMs > max) return { ms: max, clamped: true };
  return { ms: timeMs, clamped: false };
}

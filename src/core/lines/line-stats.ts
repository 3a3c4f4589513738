/** What happened to lines on their way to entries, for the summary; one object shared by a run's feeders. */
export interface LineStats {
  /** Masks made, per redaction rule name, in rule order. */
  redactions: Map<string, number>;
  /** Lines that gave no usable time (--time-key, --time-prefix): they got the time they were read. */
  untimed: number;
  /** Times outside the window the service is assumed to accept, moved to its edge. */
  clamped: number;
}

export function newLineStats(): LineStats {
  return { redactions: new Map(), untimed: 0, clamped: 0 };
}

/** The summary's words for them: "2 secrets redacted (bearer 1, jwt 1)", …; empty when nothing happened. */
export function lineStatsParts(stats: LineStats): string[] {
  const parts: string[] = [];
  let total = 0;
  const rules: string[] = [];
  for (const [rule, n] of stats.redactions) {
    if (n === 0) continue;
    total += n;
    rules.push(`${rule} ${n}`);
  }
  if (total > 0) parts.push(`${total} redacted (${rules.join(', ')})`);
  if (stats.untimed > 0) parts.push(`${stats.untimed} without a usable time`);
  if (stats.clamped > 0) parts.push(`${stats.clamped} times clamped`);
  return parts;
}

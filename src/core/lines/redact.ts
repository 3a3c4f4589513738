import type { LineCallback } from '../pipe/line-splitter.js';
import type { LineStats } from './line-stats.js';
import { PEM_BODY, PEM_CLOSE, PEM_HEADER, PEM_OPEN, SECRET_HINT, SECRET_RULES } from './secret-rules.js';
import type { RedactRule } from './secret-rules.js';

export const REDACTED = '[REDACTED]';

/** What --redact accepts besides a regex: the built-in rules. */
export const SECRETS_PRESET = 'secrets';

/** A part of a text to mask. */
interface Mask {
  start: number;
  end: number;
  rule: number;
  /** Not yet found by an earlier rule: counts as a redaction of its own. */
  counted: boolean;
  /** The rest of a mask that began in the previous fragment of the line, where [REDACTED] was written: removed. */
  rest?: boolean;
}

/** Values that are no secret to hide: already masked, empty, or a placeholder. */
const NOTHING = /^(?:|\[REDACTED\]|\*+|null|true|false|none|None|undefined)$/;

/** Thrown for a --redact value that is no usable regex (the command makes it a usage error). */
export class RedactSpecError extends Error {}

/** `(?i)` before a regex: case-insensitive (JavaScript has no inline flags; other tools' users write this). */
const INLINE_I = '(?i)';

function userRule(spec: string): RedactRule {
  const insensitive = spec.startsWith(INLINE_I);
  const source = insensitive ? spec.slice(INLINE_I.length) : spec;
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, insensitive ? 'gdi' : 'gd');
  } catch (err) {
    throw new RedactSpecError(`not a valid regular expression (${(err as Error).message})`);
  }
  if (pattern.test('')) throw new RedactSpecError('it matches an empty text, so it would mask nothing');
  pattern.lastIndex = 0;
  const groups = Array.from({ length: countGroups(pattern) }, (_, i) => i + 1);
  return { name: spec, pattern, groups };
}

/** How many capture groups a regex has (a match of the empty alternative tells). */
function countGroups(pattern: RegExp): number {
  return (new RegExp(`${pattern.source}|`).exec('')?.length ?? 1) - 1;
}

/**
 * The rules of a run: `--redact secrets` (the built-in ones) and any
 * `--redact REGEX`, in the order given. Stateless and shared by the
 * streams; each stream has a Redactor.
 */
export class Redaction {
  readonly names: readonly string[];
  private readonly builtins: readonly RedactRule[];
  private readonly users: readonly RedactRule[];
  /** The rule list in order, builtins at the place `secrets` was given. */
  private readonly rules: ReadonlyArray<{ rule: RedactRule; builtin: boolean }>;

  /** Throws RedactSpecError, naming the bad value, for a regex that cannot be used. */
  constructor(specs: readonly string[]) {
    const rules: Array<{ rule: RedactRule; builtin: boolean }> = [];
    for (const spec of specs) {
      if (spec === SECRETS_PRESET) {
        if (!rules.some((r) => r.builtin)) rules.push(...SECRET_RULES.map((rule) => ({ rule, builtin: true })));
        continue;
      }
      try {
        rules.push({ rule: userRule(spec), builtin: false });
      } catch (err) {
        throw new RedactSpecError(`--redact ${spec}: ${(err as Error).message}`);
      }
    }
    this.rules = rules;
    this.builtins = rules.filter((r) => r.builtin).map((r) => r.rule);
    this.users = rules.filter((r) => !r.builtin).map((r) => r.rule);
    this.names = rules.map((r) => r.rule.name);
  }

  get hasBuiltins(): boolean {
    return this.builtins.length > 0;
  }

  /**
   * Every part of `text` a rule finds. `whole`: the text is a whole line, so
   * the built-in rules may be skipped when the cheap hint rules it out.
   */
  masks(text: string, whole: boolean): Mask[] {
    const skipBuiltins = whole && (this.builtins.length === 0 || !SECRET_HINT.test(text));
    if (skipBuiltins && this.users.length === 0) return [];
    const masks: Mask[] = [];
    this.rules.forEach(({ rule, builtin }, index) => {
      if (builtin && skipBuiltins) return;
      // What earlier rules masked, and how far along it a match of this rule is (its matches come in order):
      // a line with many secrets costs the number of them, not its square.
      const earlier = coverage(masks);
      let k = 0;
      const re = rule.pattern;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex += 1;
          continue;
        }
        let span: [number, number] | undefined = m.indices?.[0];
        if (rule.groups !== undefined && rule.groups.length > 0) {
          const g = rule.groups.find((i) => m[i] !== undefined);
          // A rule whose groups all missed masks the whole match, except the built-ins, which say exactly what to mask.
          span = g !== undefined ? m.indices?.[g] : builtin ? undefined : span;
        }
        if (span === undefined) continue;
        const [start, end] = span;
        if (NOTHING.test(text.slice(start, end))) continue;
        while (k < earlier.length && (earlier[k] as Span).end <= start) k += 1;
        const counted = k === earlier.length || (earlier[k] as Span).start >= end;
        masks.push({ start, end, rule: index, counted });
      }
    });
    return masks;
  }
}

interface Span {
  start: number;
  end: number;
}

/** The parts of a text that masks cover, in order, apart from each other. */
function coverage(masks: readonly Mask[]): Span[] {
  const sorted = [...masks].sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  for (const { start, end } of sorted) {
    const last = spans.at(-1);
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}

/** `text` with each masked part replaced by [REDACTED] (overlapping masks become one). */
function applyMasks(text: string, masks: readonly Mask[]): string {
  if (masks.length === 0) return text;
  const sorted = [...masks].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as Mask;
    let end = first.end;
    let rest = first.rest === true;
    i += 1;
    while (i < sorted.length && (sorted[i] as Mask).start <= end) {
      const next = sorted[i] as Mask;
      end = Math.max(end, next.end);
      rest ||= next.rest === true && next.start === first.start;
      i += 1;
    }
    out += text.slice(at, first.start) + (rest ? '' : REDACTED);
    at = end;
  }
  return out + text.slice(at);
}

/** Body lines of a PEM key followed at most (a 16384-bit RSA key has ~200). */
const PEM_MAX_LINES = 256;
const PRIVATE_KEY_RULE = 'private-key';

/**
 * One stream's redaction: each line (or fragment of a long line) in, the
 * same with its secrets masked out. State a line alone cannot hold:
 * - a PEM private key over several lines: after its BEGIN line, base64 body
 *   lines become [REDACTED] (headers and blank lines stay) until its END line;
 * - a line longer than the splitter holds comes in fragments: each fragment
 *   is held until the next one arrives and redacted together with it, so a
 *   secret across the cut is found (one up to a fragment long).
 */
export class Redactor {
  private inPem = false;
  private pemLines = 0;
  /** The previous fragment of the current line, not yet passed on. */
  private held: string | undefined;
  /** Masks on `held` that began in the fragment before it. */
  private carried: Mask[] = [];

  constructor(
    private readonly redaction: Redaction,
    private readonly stats: LineStats,
  ) {
    for (const name of redaction.names) if (!stats.redactions.has(name)) stats.redactions.set(name, 0);
  }

  push(text: string, more: boolean, emit: LineCallback): void {
    if (this.held === undefined && !more) {
      emit(this.line(text), false);
      return;
    }
    this.inPem = false;
    if (this.held === undefined) {
      this.held = text;
      this.carried = [];
      return;
    }
    const held = this.held;
    const cut = held.length;
    const masks = this.redaction.masks(held + text, false);
    const heldMasks: Mask[] = [...this.carried];
    const nextMasks: Mask[] = [];
    for (const m of masks) {
      if (m.start < cut) {
        heldMasks.push({ ...m, end: Math.min(m.end, cut) });
        if (m.counted) this.count(m.rule);
        if (m.end > cut) nextMasks.push({ ...m, start: 0, end: m.end - cut, counted: false, rest: true });
      } else {
        nextMasks.push({ ...m, start: m.start - cut, end: m.end - cut });
        if (!more && m.counted) this.count(m.rule);
      }
    }
    emit(applyMasks(held, heldMasks), true);
    if (more) {
      this.held = text;
      this.carried = nextMasks.filter((m) => m.rest === true);
    } else {
      this.held = undefined;
      this.carried = [];
      emit(applyMasks(text, nextMasks), false);
    }
  }

  /** A whole text that is no line of the input (exec's start and end entries: a command line can carry a password). */
  text(text: string): string {
    const masks = this.redaction.masks(text, true);
    for (const m of masks) if (m.counted) this.count(m.rule);
    return applyMasks(text, masks);
  }

  private count(rule: number): void {
    const name = this.redaction.names[rule] as string;
    this.stats.redactions.set(name, (this.stats.redactions.get(name) ?? 0) + 1);
  }

  /** A whole line. */
  private line(text: string): string {
    if (this.inPem) {
      const body = this.pemBodyLine(text);
      if (body !== undefined) return body;
    }
    const masks = this.redaction.masks(text, true);
    for (const m of masks) if (m.counted) this.count(m.rule);
    if (this.redaction.hasBuiltins && text.includes('-----BEGIN') && PEM_OPEN.test(text)) {
      this.inPem = true;
      this.pemLines = 0;
      this.countName(PRIVATE_KEY_RULE);
    }
    return applyMasks(text, masks);
  }

  /** A line inside a PEM key: its redacted form, or undefined when the key has ended before it. */
  private pemBodyLine(text: string): string | undefined {
    const close = PEM_CLOSE.exec(text);
    if (close !== null) {
      this.inPem = false;
      const before = text.slice(0, close.index);
      return before.trim() === '' ? text : REDACTED + text.slice(close.index);
    }
    this.pemLines += 1;
    if (this.pemLines <= PEM_MAX_LINES) {
      if (PEM_BODY.test(text)) return text.trim() === '' ? text : REDACTED;
      if (PEM_HEADER.test(text)) return text;
    }
    this.inPem = false;
    return undefined;
  }

  private countName(name: string): void {
    this.stats.redactions.set(name, (this.stats.redactions.get(name) ?? 0) + 1);
  }
}

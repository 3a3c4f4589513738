import { MULTILINE_PRESETS } from './multiline-presets.js';
import type { MultilinePreset, MultilinePresetName, MultilineRule } from './multiline-presets.js';

/** What a line does to the open group. */
export type GroupDecision = 'continue' | 'tentative' | 'start';

/** Decides which lines belong together. */
export interface LineGrouper {
  /** A group opens with `line`. */
  begin(line: string): void;
  /** Whether `line` continues the open group, continues it on condition (see MultilineRule), or starts the next. */
  next(line: string): GroupDecision;
}

/** --multiline PRESET or --multiline-start REGEX. */
export type MultilineSpec = { preset: MultilinePresetName } | { start: RegExp };

function matches(rule: MultilineRule, line: string): boolean {
  if (rule.first !== undefined && !rule.first.includes(line.charAt(0))) return false;
  return rule.test === undefined || rule.test.test(line);
}

const NO_RULES: readonly MultilineRule[] = [];

class PresetGrouper implements LineGrouper {
  private rules: readonly MultilineRule[] = NO_RULES;

  constructor(private readonly preset: MultilinePreset) {}

  begin(line: string): void {
    this.rules = NO_RULES;
    for (const rule of this.preset.start) {
      if (!matches(rule, line)) continue;
      this.rules = this.preset.states[rule.next] ?? NO_RULES;
      return;
    }
  }

  next(line: string): GroupDecision {
    for (const rule of this.rules) {
      if (!matches(rule, line)) continue;
      this.rules = this.preset.states[rule.next] ?? NO_RULES;
      return rule.tentative === true ? 'tentative' : 'continue';
    }
    return 'start';
  }
}

/** --multiline-start: a line matching the regex starts a group; any other continues it. */
class StartGrouper implements LineGrouper {
  constructor(private readonly start: RegExp) {}

  begin(): void {}

  next(line: string): GroupDecision {
    return this.start.test(line) ? 'start' : 'continue';
  }
}

export function createGrouper(spec: MultilineSpec): LineGrouper {
  return 'preset' in spec ? new PresetGrouper(MULTILINE_PRESETS[spec.preset]) : new StartGrouper(spec.start);
}

/** Where a group's text goes: its first line opens it, then its text (lines joined with \n) in order; `more` is false on the last write of a group only. */
export interface GroupSink {
  open(firstLine: string, readAtMs: number): void;
  write(text: string, more: boolean): void;
}

/**
 * Characters a group may reach before it is closed (the line that reaches
 * it ends it; the next line starts a new group). 10,000,000 characters, 1,000
 * entries of 10,000: more than any real trace (a 50,000-line goroutine dump
 * is ~3 MB), while a stream that never leaves a group (all of it indented,
 * or a start regex that never matches) still sends entries of a useful size.
 * Memory does not depend on it: a group's text streams on as it grows.
 */
export const MAX_GROUP_CHARS = 10_000_000;

/** Lines a group may hold on condition (see MultilineRule.tentative), a guard for presets that would loop. */
const MAX_TENTATIVE = 64;

interface HeldLine {
  text: string;
  at: number;
}

/**
 * Joins lines into groups, as a grouper decides. A group's text goes on to
 * the sink as its lines come (its first line waits only until the second,
 * so a group of one line is one write); lines taken on condition wait until
 * the group goes on or closes. A line the splitter hands on in fragments
 * joins or starts a group by its first fragment.
 */
export class LineJoiner {
  private opened = false;
  /** The first line, while it is the group's only one. */
  private head: string | undefined;
  /** The last line written is a fragment whose line goes on. */
  private midLine = false;
  private held: HeldLine[] = [];
  private chars = 0;

  constructor(
    private readonly grouper: LineGrouper,
    private readonly sink: GroupSink,
    private readonly maxChars = MAX_GROUP_CHARS,
  ) {}

  /** A group is open (lines wait for the next start line, the timeout or the end). */
  get open(): boolean {
    return this.opened;
  }

  /** A line is under way in fragments: the group cannot close before it ends. */
  get inLine(): boolean {
    return this.midLine;
  }

  push(text: string, more: boolean, readAtMs: number): void {
    if (this.midLine) {
      this.sink.write(text, true);
      this.midLine = more;
      this.chars += text.length;
      if (!more) this.checkSize();
      return;
    }
    if (!this.opened) {
      this.begin(text, more, readAtMs);
      return;
    }
    let decision = this.grouper.next(text);
    // A fragment cannot wait on condition (it would have to be held whole): it starts the next group instead.
    if (decision === 'tentative' && (more || this.held.length >= MAX_TENTATIVE)) decision = 'start';
    if (decision === 'continue') {
      this.confirm();
      this.append(text, more);
    } else if (decision === 'tentative') {
      this.held.push({ text, at: readAtMs });
    } else {
      const tail = this.close();
      for (const line of tail) this.push(line.text, false, line.at);
      this.push(text, more, readAtMs);
    }
  }

  /** Closes the open group, and any its held lines then make (the end, a signal, the timeout). */
  flush(): void {
    while (this.opened) {
      const tail = this.close();
      for (const line of tail) this.push(line.text, false, line.at);
    }
  }

  private begin(text: string, more: boolean, readAtMs: number): void {
    this.grouper.begin(text);
    this.opened = true;
    this.chars = text.length;
    this.sink.open(text, readAtMs);
    if (more) {
      this.sink.write(text, true);
      this.midLine = true;
    } else {
      this.head = text;
    }
  }

  private append(text: string, more: boolean): void {
    if (this.head !== undefined) {
      this.sink.write(this.head, true);
      this.head = undefined;
    }
    this.sink.write('\n' + text, true);
    this.chars += text.length + 1;
    this.midLine = more;
    if (!more) this.checkSize();
  }

  /** The held lines join the group after all (the line after them continues it). */
  private confirm(): void {
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    for (const line of held) {
      if (this.head !== undefined) {
        this.sink.write(this.head, true);
        this.head = undefined;
      }
      this.sink.write('\n' + line.text, true);
      this.chars += line.text.length + 1;
    }
  }

  /** A group that reached the size cap closes after its line. */
  private checkSize(): void {
    if (this.chars >= this.maxChars) this.flush();
  }

  /** Ends the open group; returns the lines it held on condition, which were not part of it after all. */
  private close(): HeldLine[] {
    if (this.head !== undefined) this.sink.write(this.head, false);
    else this.sink.write('', false);
    this.opened = false;
    this.head = undefined;
    this.chars = 0;
    const held = this.held;
    this.held = [];
    return held;
  }
}

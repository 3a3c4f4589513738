/**
 * How a preset tells which lines belong together: a small state machine
 * over lines, as Fluent Bit's multiline parsers are (and built from the same
 * kind of rules, written afresh against real traces: see
 * test/fixtures/traces/).
 *
 * A group opens at a line that continues nothing: the first `start` rule it
 * matches gives the group's state (no match: a state with no rules, so the
 * line stands alone). A later line continues the group when it matches a
 * rule of the group's state, which moves the group to the rule's `next`
 * state; any other line closes the group and opens the next one.
 *
 * A `tentative` rule takes a line only on condition: if the next line does
 * not continue the group too, the group closes before the tentative lines,
 * which are then read again as lines of their own. So a blank line after a
 * Python exception joins it only when "During handling of the above
 * exception" follows.
 *
 * `first`: the characters a line matching the rule can begin with; a line
 * that begins otherwise fails the rule without running its regex (most
 * lines of a log fail every rule, and this keeps the cost of that to a
 * character lookup).
 */
export interface MultilineRule {
  /** The line the rule takes; none: any line. */
  test?: RegExp;
  next: string;
  tentative?: boolean;
  first?: string;
}

export interface MultilinePreset {
  start: readonly MultilineRule[];
  states: Readonly<Record<string, readonly MultilineRule[]>>;
}

const SPACE = ' \t';

/**
 * Java (and the JVM languages' traces printed the same way): the exception
 * line, `at …` frames, `Caused by:` and `Suppressed:` with their frames, and
 * `... N more` / `... N common frames omitted`.
 */
const java: MultilinePreset = {
  start: [{ next: 'line' }],
  states: {
    line: [{ test: /^\s+at \S+\(/, next: 'frames', first: SPACE }],
    frames: [
      { test: /^\s+at \S/, next: 'frames', first: SPACE },
      { test: /^\s*\.\.\. \d+ (?:more|common frames omitted)\s*$/, next: 'frames', first: SPACE + '.' },
      { test: /^\s*(?:Caused by|Suppressed): \S/, next: 'frames', first: SPACE + 'CS' },
    ],
  },
};

/**
 * Python: `Traceback (most recent call last):` through the exception line,
 * with chained exceptions ("During handling of the above exception…", "The
 * above exception was the direct cause…") and exception groups (`| ` lines).
 */
const CHAIN = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)$/;
const python: MultilinePreset = {
  start: [
    { test: /^Traceback \(most recent call last\):$/, next: 'traceback', first: 'T' },
    { test: /^\s*\+ Exception Group Traceback \(most recent call last\):$/, next: 'group', first: SPACE + '+' },
  ],
  states: {
    // Frames are indented; the first line that is not ends the traceback: the exception.
    traceback: [
      { test: /^[ \t]/, next: 'traceback', first: SPACE },
      { test: /^\S/, next: 'exception' },
    ],
    // An exception group is indented throughout and ends at its last +---- line.
    group: [{ test: /^[ \t]/, next: 'group', first: SPACE }],
    exception: [{ test: /^$/, next: 'gap', tentative: true }],
    gap: [{ test: CHAIN, next: 'chain', first: 'DT' }],
    chain: [
      { test: /^$/, next: 'chain' },
      { test: /^Traceback \(most recent call last\):$/, next: 'traceback', first: 'T' },
      { test: /^\s*\+ Exception Group Traceback \(most recent call last\):$/, next: 'group', first: SPACE + '+' },
    ],
  },
};

/**
 * Node.js: `Error…` (any line) then `    at …` frames; an error's own
 * properties and [cause] printed after them between { and }; and the header
 * of an uncaught exception (file:line, the source line, the caret, a blank
 * line) with the `Node.js vX` line after it.
 */
const AT = /^\s+at \S/;
const AT_BRACE = /^\s+at .*\{$/;
const node: MultilinePreset = {
  start: [
    { test: /^\S+:\d+$/, next: 'source' },
    // The line's end is checked first: checked after the name, it was scanned again for every Error in the name.
    { test: /^(?=.*\{$)\[?[\w$.]*(?:Error|Exception)\b/, next: 'props' },
    { next: 'error' },
  ],
  states: {
    // The uncaught-exception header: file:line, the source line, the caret under it, a blank line, the error.
    source: [{ next: 'caret', tentative: true }],
    caret: [{ test: /^\s*\^+\s*$/, next: 'blank', first: SPACE + '^' }],
    blank: [{ test: /^$/, next: 'message' }],
    message: [{ next: 'error' }],
    error: [
      { test: AT_BRACE, next: 'props', first: SPACE },
      { test: AT, next: 'frames', first: SPACE },
    ],
    frames: [
      { test: AT_BRACE, next: 'props', first: SPACE },
      { test: AT, next: 'frames', first: SPACE },
      { test: /^\s+\.\.\. \d+ lines? matching cause stack trace \.\.\./, next: 'frames', first: SPACE },
      { test: /^$/, next: 'end', tentative: true },
    ],
    // Inside the error's { … }: indented lines; the } that closes it is the only one at the margin.
    props: [
      { test: /^\}$/, next: 'after', first: '}' },
      { test: /^\s/, next: 'props', first: SPACE },
    ],
    after: [{ test: /^$/, next: 'end', tentative: true }],
    end: [{ test: /^Node\.js v\d/, next: 'done', first: 'N' }],
  },
};

/**
 * Go: `panic:` (or `fatal error:`), its `[recovered]`, `[signal …` lines,
 * then goroutine dumps: `goroutine N [state]:`, function and `\tfile:line`
 * lines, `created by …`, blank lines between goroutines.
 */
const GOROUTINE = /^goroutine \d+ (?:gp=\S+ m=\S+(?: mp=\S+)? )?\[[^\]]*\]:$/;
const go: MultilinePreset = {
  start: [
    { test: /^(?:panic|fatal error): /, next: 'panic', first: 'pf' },
    { test: GOROUTINE, next: 'frame', first: 'g' },
  ],
  states: {
    panic: [
      { test: /^\s+panic: |^\s*\[recovered\]|^\[signal /, next: 'panic', first: SPACE + '[' },
      { test: GOROUTINE, next: 'frame', first: 'g' },
      { test: /^$/, next: 'goroutines', tentative: true },
    ],
    goroutines: [{ test: GOROUTINE, next: 'frame', first: 'g' }],
    frame: [
      { test: /^(?:created by \S|\S.*\)$|\.\.\.additional frames elided\.\.\.$)/, next: 'file' },
      { test: /^$/, next: 'goroutines', tentative: true },
    ],
    file: [{ test: /^\t\S/, next: 'frame', first: '\t' }],
  },
};

/**
 * Ruby: `file:line:in 'method': message (Class)` then `\tfrom file:line:in …`
 * lines; a cause's own such line and its frames; `Did you mean?`
 * suggestions.
 */
// The first ":N:in '" is taken and never given back (a lookahead is atomic; \1 then steps over it):
// with `.*` before it free to backtrack, the rest of the line was rescanned after each such place.
const RUBY_ERROR = /^\S(?=(.*?:\d+:in [`']))\1.*[`']: /;
const ruby: MultilinePreset = {
  start: [{ test: RUBY_ERROR, next: 'trace' }],
  states: {
    trace: [
      { test: /^\s+from \S+:\d+/, next: 'trace', first: SPACE },
      { test: /^\s+\d+: from \S/, next: 'trace', first: SPACE },
      { test: /^Did you mean\? /, next: 'trace', first: 'D' },
      { test: RUBY_ERROR, next: 'trace' },
    ],
  },
};

/** A line that starts with a space or a tab continues the one before. */
const indented: MultilinePreset = {
  start: [{ next: 'line' }],
  states: { line: [{ test: /^[ \t]/, next: 'line', first: SPACE }] },
};

export const MULTILINE_PRESETS = { java, python, node, go, ruby, indented } as const satisfies Record<string, MultilinePreset>;

export type MultilinePresetName = keyof typeof MULTILINE_PRESETS;

export const MULTILINE_PRESET_NAMES = Object.keys(MULTILINE_PRESETS) as MultilinePresetName[];

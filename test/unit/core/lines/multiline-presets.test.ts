import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createGrouper, LineJoiner } from '../../../../src/core/lines/multiline.js';
import type { MultilineSpec } from '../../../../src/core/lines/multiline.js';

const FIXTURES = new URL('../../../../../test/fixtures/traces/', import.meta.url);

function lines(name: string): string[] {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  return text.slice(0, text.endsWith('\n') ? -1 : undefined).split('\n');
}

/** The groups a spec makes of some lines, each as its lines. */
function groups(spec: MultilineSpec, input: readonly string[]): string[][] {
  const out: string[] = [];
  let text = '';
  const joiner = new LineJoiner(createGrouper(spec), {
    open: () => undefined,
    write: (t, more) => {
      text += t;
      if (!more) {
        out.push(text);
        text = '';
      }
    },
  });
  for (const line of input) joiner.push(line, false, 0);
  joiner.flush();
  const gs = out.map((g) => g.split('\n'));
  // Nothing lost, nothing reordered, whatever the grouping.
  expect(gs.flat()).to.deep.equal(input);
  return gs;
}

/** Each group as its first line and its number of lines. */
const shape = (gs: string[][]): Array<[string, number]> => gs.map((g) => [g[0] ?? '', g.length]);

describe('multiline presets against real traces', () => {
  it('java: exception line, at frames, Caused by, Suppressed, ... N more; log lines stand alone', () => {
    const input = lines('java-orders.txt');
    const gs = groups({ preset: 'java' }, input);
    expect(shape(gs)).to.deep.equal([
      ['2026-12-01 10:00:00.123 INFO  Orders - starting', 1],
      ['2026-12-01 10:00:00.456 ERROR Orders - order failed', 1],
      ['Orders$StoreException: cannot load order 12x', 10],
      ['java.io.IOException: write failed', 5],
      ['2026-12-01 10:00:01.000 INFO  Orders - next', 1],
      ['Exception in thread "main" java.lang.NullPointerException: Cannot invoke "java.util.Map.get(Object)" because "<local1>" is null', 2],
    ]);
    expect(gs.flat()).to.deep.equal(input);
  });

  it('python: Traceback through the exception line, chained exceptions, exception groups', () => {
    const input = lines('python-logging.txt');
    const gs = groups({ preset: 'python' }, input);
    expect(shape(gs)).to.deep.equal([
      ['2026-12-02 07:58:12,482 WARNING orders: starting', 1],
      ['2026-12-02 07:58:12,483 ERROR orders: order failed', 1],
      ['Traceback (most recent call last):', 17],
      ['2026-12-02 07:58:12,490 ERROR orders: chained', 1],
      ['Traceback (most recent call last):', 13],
      ['2026-12-02 07:58:12,490 ERROR orders: group', 1],
      ['  + Exception Group Traceback (most recent call last):', 9],
      ['2026-12-02 07:58:12,493 WARNING orders: next', 1],
      ['Traceback (most recent call last):', 17],
    ]);
    expect(gs[2]?.at(-1)).to.equal('RuntimeError: cannot load order 12x');
    expect(gs[4]?.at(-1)).to.equal('ZeroDivisionError: division by zero');
    expect(gs.flat()).to.deep.equal(input);
  });

  it('python: a blank line after the exception joins it only when a chained traceback follows', () => {
    const gs = groups({ preset: 'python' }, ['Traceback (most recent call last):', '  File "x.py", line 1', 'KeyError: 1', '', 'next record', '']);
    expect(gs).to.deep.equal([['Traceback (most recent call last):', '  File "x.py", line 1', 'KeyError: 1'], [''], ['next record'], ['']]);
  });

  it('node: uncaught exceptions with their header and Node.js footer, an error with [cause] and properties, a rejection, an AggregateError', () => {
    const cjs = groups({ preset: 'node' }, lines('node-uncaught-cjs.txt'));
    expect(shape(cjs)).to.deep.equal([['<anonymous_script>:1', 17]]);
    expect(shape(groups({ preset: 'node' }, lines('node-uncaught-esm.txt')))).to.deep.equal([
      ['starting', 1],
      ['file:///srv/app/thrown.mjs:3', 12],
    ]);
    expect(shape(groups({ preset: 'node' }, lines('node-cause.txt')))).to.deep.equal([
      ['listening on 3000', 1],
      ['Error: request failed', 15],
      ['next line', 1],
    ]);
    expect(shape(groups({ preset: 'node' }, lines('node-rejection-props.txt')))).to.deep.equal([
      ['worker 1 ready', 1],
      ['file:///srv/app/unhandled.mjs:2', 13],
    ]);
    expect(shape(groups({ preset: 'node' }, lines('node-aggregate.txt')))).to.deep.equal([
      ['[AggregateError: All promises were rejected] {', 20],
      ['done', 1],
    ]);
  });

  it('node: a file:line line without the rest of the header stands alone, and so does the line after it', () => {
    const gs = groups({ preset: 'node' }, ['cache:6379', 'connected', 'Error: boom', '    at main (/srv/app/x.js:1:1)']);
    expect(shape(gs)).to.deep.equal([['cache:6379', 1], ['connected', 1], ['Error: boom', 2]]);
  });

  it('go: panic, [recovered], goroutine dumps with created by; with or without the blank line before the goroutine', () => {
    expect(shape(groups({ preset: 'go' }, lines('go-test2json-panic.txt')))).to.deep.equal([
      ['--- FAIL: TestPanic (0.00s)', 1],
      ['panic: oops [recovered]', 14],
      ['FAIL\tcommand-line-arguments\t0.042s', 1],
      ['FAIL', 1],
    ]);
    expect(shape(groups({ preset: 'go' }, lines('go-gobyexample-panic.txt')))).to.deep.equal([
      ['$ go run panic.go', 1],
      ['panic: a problem', 4],
      ['...', 1],
      ['exit status 2', 1],
    ]);
  });

  it('go: several goroutines separated by blank lines are one dump', () => {
    const dump = ['panic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:9 +0x1d', '', 'goroutine 18 [chan receive]:', 'main.worker(0xc000012345)', '\t/app/main.go:20 +0x45', 'created by main.main in goroutine 1', '\t/app/main.go:8 +0x2f', 'exit status 2'];
    expect(shape(groups({ preset: 'go' }, dump))).to.deep.equal([['panic: boom', 11], ['exit status 2', 1]]);
  });

  it('ruby: the error line and its from lines, in the quoting of Ruby 3.4 and before', () => {
    expect(shape(groups({ preset: 'ruby' }, lines('ruby-docs.txt')))).to.deep.equal([
      ['ruby t.rb', 1],
      ["t.rb:2:in `/': divided by 0 (ZeroDivisionError)", 2],
      ['Try #0.', 1],
      ["t.rb:5:in 'Fiber#resume': fiber called across threads (FiberError)", 2],
      ['Rescued retry #0.', 1],
      ["t.rb:5:in `resume': fiber called across threads (FiberError)", 2],
      ['Giving up.', 1],
      ["test.rb:3:in `test': this is a test (RuntimeError)", 2],
    ]);
  });

  it('indented: a line starting with a space or a tab continues the one before', () => {
    const gs = groups({ preset: 'indented' }, ['config:', '  a: 1', '\tb: 2', 'next', '', ' x']);
    expect(gs).to.deep.equal([['config:', '  a: 1', '\tb: 2'], ['next'], ['', ' x']]);
  });

  // Sized so that a rule whose work grows with the line's length squared takes
  // far longer than the timeout; a linear one takes milliseconds.
  it('ruby and node read a long line that almost looks like an error line in time linear in its length', function () {
    this.timeout(10_000);
    const ruby = 'x' + ":1:in '".repeat(20_000);
    expect(shape(groups({ preset: 'ruby' }, [ruby, "t.rb:1:in 'm': " + ruby, '\tfrom t.rb:2', ruby]))).to.deep.equal([
      [ruby, 1],
      ["t.rb:1:in 'm': " + ruby, 2],
      [ruby, 1],
    ]);
    const node = 'Error.'.repeat(30_000);
    expect(shape(groups({ preset: 'node' }, [node, `${node} {`, '  code: 1', '}', node]))).to.deep.equal([
      [node, 1],
      [`${node} {`, 3],
      [node, 1],
    ]);
  });

  it('--multiline-start: a line matching it starts an entry, any other continues; lines before the first start are one entry', () => {
    const gs = groups({ start: /^\d{4}-\d\d-\d\d / }, ['banner', 'v1.2', '2026-12-01 10:00:00 a', 'detail', '2026-12-01 10:00:01 b']);
    expect(gs).to.deep.equal([['banner', 'v1.2'], ['2026-12-01 10:00:00 a', 'detail'], ['2026-12-01 10:00:01 b']]);
  });
});

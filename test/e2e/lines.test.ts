import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

const TRACES = new URL('../../../test/fixtures/traces/', import.meta.url);
const SECRET = 'hunter2-0xDEADBEEF';

/** Multiline, the line's own time and subject, and redaction, through main() against the emulator. */
describe('oci-log send and exec: multiline, --time-key, --subject-key, --redact', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = () => emu.createLog(group, `lines-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('lines');
  });
  after(async () => emu.stop());

  it('joins a trace into one entry, takes time and subject from the JSON line, masks secrets before sending', async () => {
    const log = await newLog();
    const t = Date.now() - 3_600_000;
    const input = [
      JSON.stringify({ time: t, level: 'error', msg: `login failed password=${SECRET}` }),
      'java.lang.IllegalStateException: no session',
      '\tat com.example.Login.check(Login.java:42)',
      '\tat com.example.Login.run(Login.java:7)',
      JSON.stringify({ time: new Date(t + 1000).toISOString(), level: 'info', msg: 'retrying' }),
    ].join('\n');
    const r = await runMain(['--log-ocid', log, '--multiline', 'java', '--time-key', 'time', '--subject-key', 'level', '--redact', 'secrets'], { env: emu.env, stdin: input });
    expect(r.code, r.stderr).to.equal(0);
    const entries = await emu.entries(log);
    expect(entries.map((e) => [e.data, e.subject])).to.deep.equal([
      [JSON.stringify({ time: t, level: 'error', msg: 'login failed password=[REDACTED]' }), 'error'],
      ['java.lang.IllegalStateException: no session\n\tat com.example.Login.check(Login.java:42)\n\tat com.example.Login.run(Login.java:7)', undefined],
      [JSON.stringify({ time: new Date(t + 1000).toISOString(), level: 'info', msg: 'retrying' }), 'info'],
    ]);
    expect(Date.parse(entries[0]?.time ?? '')).to.equal(t);
    expect(Date.parse(entries[2]?.time ?? '')).to.equal(t + 1000);
    // The trace has no time of its own: it was read just now (and said once on stderr).
    expect(Date.parse(entries[1]?.time ?? '')).to.be.greaterThan(t + 3_000_000);
    expect(r.stderr).to.equal('oci-log: a line has no usable time (it has no top-level "time" field); such lines get the time they were read, and are counted\n');
  });

  it('--dry-run prints masked bodies; --tee copies the input unmasked; the dead-letter file and the spool get masked lines only', async () => {
    const dry = await runMain(['--dry-run', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaadry', '--redact', 'secrets'], { env: emu.env, stdin: `token=${SECRET}\n` });
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout.toString()).to.contain('token=[REDACTED]').and.not.contain(SECRET);

    const log = await newLog();
    const tee = await runMain(['--tee', '--log-ocid', log, '--redact', 'secrets'], { env: emu.env, stdin: `token=${SECRET}\n` });
    expect(tee.stdout.toString()).to.equal(`token=${SECRET}\n`);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['token=[REDACTED]']);

    const dir = tempDir();
    const deadLetter = join(dir, 'dl.jsonl');
    const spool = join(dir, 'spool');
    const refused = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaadoesnotexist', '--dead-letter', deadLetter, '--spool-dir', spool, '--redact', 'secrets'], {
      env: emu.env,
      stdin: `postgres://app:${SECRET}@db/x\n`,
    });
    expect(refused.code).to.equal(3);
    const kept = readFileSync(deadLetter, 'utf8');
    expect(kept).to.contain('postgres://app:[REDACTED]@db/x').and.not.contain(SECRET);

    // The service fails: what is read waits in the spool, masked.
    await emu.injectFault({ op: 'putLogs', status: 503, count: 1000 });
    try {
      const waiting = await runMain(['--log-ocid', log, '--spool-dir', spool, '--shutdown-timeout', '0s', '--redact', 'secrets'], { env: emu.env, stdin: `password=${SECRET}
` });
      expect(waiting.code).to.equal(3);
    } finally {
      await emu.clearFaults();
    }
    const segments = readdirSync(spool, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.jsonl'));
    const spooled = segments.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('');
    expect(spooled).to.contain('password=[REDACTED]').and.not.contain(SECRET);
  });

  it('sends the open group on SIGTERM while the input is still open', async () => {
    const log = await newLog();
    const run = startMain(['--log-ocid', log, '--multiline', 'python', '--tee'], { env: emu.env, stdin: 'open' });
    const trace = readFileSync(new URL('python-logging.txt', TRACES), 'utf8').split('\n').slice(2, 19).join('\n');
    run.stdin.write(`${trace}\n`);
    await run.waitFor('stdout', 'RuntimeError: cannot load order 12x\n');
    run.signal('SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal([trace]);
  });

  it('exec: the traceback on stderr is one entry while stdout lines go on, each stream grouped on its own', async () => {
    const log = await newLog();
    const all = readFileSync(new URL('python-logging.txt', TRACES), 'utf8').trimEnd().split('\n');
    // The run's last traceback: an uncaught, chained exception.
    const trace = all.slice(all.indexOf('2026-12-02 07:58:12,493 WARNING orders: next') + 1).join('\n');
    // Interleaved as a job would print them: stdout progress between the traceback's lines.
    const script = `
      const trace = ${JSON.stringify(trace)}.split('\\n');
      for (const [i, line] of trace.entries()) {
        process.stderr.write(line + '\\n');
        if (i % 5 === 0) process.stdout.write('progress ' + i + '\\n');
      }
      process.exit(1);`;
    const r = await runMain(['exec', '--log-ocid', log, '--multiline', 'python', '--redact', 'secrets', '--', process.execPath, '-e', script, '--', `--password=${SECRET}`], { env: emu.env });
    expect(r.code, r.stderr).to.equal(1);
    const lines = (await emu.entries(log))
      .filter((e) => e.subject === 'stdout' || e.subject === 'stderr')
      .map((e) => [e.subject, (JSON.parse(e.data) as { line: string }).line]);
    expect(lines.filter(([s]) => s === 'stderr')).to.deep.equal([['stderr', trace]]);
    expect(lines.filter(([s]) => s === 'stdout').map(([, l]) => l)).to.deep.equal(['progress 0', 'progress 5', 'progress 10', 'progress 15']);
    const end = (await emu.entries(log)).map((e) => JSON.parse(e.data) as { event?: string; lines?: unknown }).find((d) => d.event === 'end');
    expect(end?.lines, 'the end entry counts lines, not entries').to.deep.equal({ stdout: 4, stderr: 17 });
    const start = (await emu.entries(log)).find((e) => e.data.includes('"event":"start"'))?.data ?? '';
    expect(start, "the start entry's command line is redacted too").to.contain('--password=[REDACTED]').and.not.contain(SECRET);
  });

  it('counts redactions per rule, lines without a usable time, and clamped times in the summary on a terminal', async () => {
    const log = await newLog();
    const input = [`Authorization: Bearer ${SECRET}abcdef`, `password=${SECRET}`, '{"time":"2001-01-01T00:00:00Z"}', 'no time', 'card=1234'].join('\n');
    const r = await runMain(['--log-ocid', log, '--time-key', 'time', '--redact', 'secrets', '--redact', 'card=(\\d+)'], {
      env: { ...emu.env, TERM: 'xterm' },
      stdin: input,
      stderrIsTTY: true,
      columns: 200,
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('oci-log: 5 read, 5 sent, 3 redacted (bearer 1, secret-field 1, card=(\\d+) 1), 4 without a usable time, 1 times clamped\n');
  });

  it('refuses unusable line options with exit 2 before reading a line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--redact', '(unclosed'], /^oci-log: --redact \(unclosed: not a valid regular expression/],
      [['--multiline-start', '[a-'], /^oci-log: --multiline-start \[a-: not a valid regular expression/],
      [['--multiline', 'cobol'], /^oci-log: --multiline cobol: must be one of java, python, node, go, ruby, indented/],
      [['--multiline', 'java', '--multiline-start', '^x'], /^oci-log: --multiline and --multiline-start both say how lines are joined; use one/],
      [['--time-key', ''], /^oci-log: --time-key needs a field name/],
      [['--multiline-timeout', '1ms'], /^oci-log: --multiline-timeout 1ms: must be from 10ms to 1h/],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(['--dry-run', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', ...args], { env: emu.env, stdin: 'never read\n' });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(message);
      expect(r.stdout.length).to.equal(0);
    }
  });
});

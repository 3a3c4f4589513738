import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { segmentsIn, uniqueData } from '../helpers/spool.js';
import { logHash } from '../../src/core/pipe/spool/spool-dir.js';

/**
 * The spool's edges as users meet them: its folder going away mid-run,
 * flush meeting a log that refuses everything among logs that accept, and
 * the counts printed after an outage. Each test has its own XDG_STATE_HOME.
 */
describe('the spool at its edges: a folder gone mid-run, flush of several logs, exact counts', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `edge-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('spool-edge-tests');
  });
  after(async () => emu.stop());
  afterEach(async () => emu.clearFaults());

  it('the spool folder removed mid-run: one warning naming the folder and the error code, and every line is still delivered', async () => {
    const log = await newLog();
    const state = tempDir();
    const spool = join(state, 'oci-log', 'spool');
    const cli = startMain(['--log-ocid', log, '--batch-size', '1'], { env: { ...emu.env, XDG_STATE_HOME: state }, stdin: 'open' });
    cli.stdin.write('before\n');
    await eventually(async () => (await uniqueData(emu, log)).length === 1);
    rmSync(spool, { recursive: true });
    cli.stdin.write('after 1\nafter 2\n');
    cli.stdin.end('after 3\n');
    const r = await cli.done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr.match(/cannot write the spool/g), r.stderr).to.have.length(1);
    expect(r.stderr).to.contain(spool).and.contain('ENOENT');
    expect((await uniqueData(emu, log)).sort()).to.deep.equal(['after 1', 'after 2', 'after 3', 'before']);
  });

  it('flush: a log that answers 404 has its entries dead-lettered, and the other logs are delivered; the summary says which log lost what', async () => {
    const good = await newLog();
    const missing = 'ocid1.log.oc1.iad.amaaaaaaaanosuchlog';
    const state = tempDir();
    const spool = join(state, 'oci-log', 'spool');
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    const segment = (seq: number, log: string, data: readonly string[]) => {
      const meta = JSON.stringify({ spool: 1, logId: log, source: 's', type: 't' });
      const entries = data.map((x, i) => JSON.stringify({ data: x, id: `0190aaaa-0000-7000-8000-0000000${seq}000${i}`, time: '2026-12-01T10:00:00.000Z' }));
      writeFileSync(join(spool, `1764583200000-00000${seq}.4242-deadbeef.${logHash(log)}.jsonl`), `${meta}\n${entries.join(',\n')}`, { mode: 0o600 });
    };
    segment(1, missing, ['lost 1', 'lost 2']);
    segment(2, good, ['kept 1']);
    segment(3, missing, ['lost 3']);
    segment(4, good, ['kept 2', 'kept 3']);
    const deadLetter = join(tempDir(), 'dead.jsonl');
    // One request at a time: the refused log's first answer comes before the other log's segments go.
    const r = await runMain(['flush', '--dead-letter', deadLetter, '--max-in-flight', '1'], { env: { ...emu.env, XDG_STATE_HOME: state } });
    expect(r.code, r.stderr).to.equal(3);
    expect((await uniqueData(emu, good)).sort()).to.deep.equal(['kept 1', 'kept 2', 'kept 3']);
    const dead = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { data: string; logId: string }));
    expect(dead.map((d) => d.data).sort()).to.deep.equal(['lost 1', 'lost 2', 'lost 3']);
    expect(new Set(dead.map((d) => d.logId))).to.deep.equal(new Set([missing]));
    expect(r.stderr).to.match(new RegExp(`${missing.replace(/\./g, '\\.')}: 3 entries dead-lettered .*404`));
    expect(r.stderr).to.not.match(new RegExp(`${good.replace(/\./g, '\\.')}: .*dead-lettered`));
    expect(r.stderr).to.not.contain('every line still to come');
    expect(segmentsIn(spool)).to.deep.equal([]);
  });

  it('an outage, then the shutdown timeout: read = sent + left in the spool, as printed, and flush sends exactly the rest', async () => {
    const log = await newLog();
    const state = tempDir();
    const env = { ...emu.env, XDG_STATE_HOME: state, TERM: 'xterm' };
    const cli = startMain(['--log-ocid', log, '--batch-size', '10', '--shutdown-timeout', '0.5'], { env, stdin: 'open', stderrIsTTY: true, columns: 200 });
    const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `outage ${from + i}\n`).join('');
    cli.stdin.write(lines(0, 25));
    await eventually(async () => (await uniqueData(emu, log)).length === 25);
    await emu.injectFault({ op: 'putLogs', status: 503, count: 1_000_000, retryAfterSeconds: 0 });
    cli.stdin.end(lines(25, 40));
    const r = await cli.done;
    expect(r.code).to.equal(3);
    const summary = /oci-log: (\d+) read, (\d+) sent(?:, \d+ retries)?, (\d+) left in the spool/.exec(r.stderr);
    expect(summary, r.stderr).to.not.equal(null);
    const [read, sent, left] = (summary as RegExpExecArray).slice(1).map(Number) as [number, number, number];
    expect(read).to.equal(65);
    expect(sent).to.equal(25);
    expect(read).to.equal(sent + left);
    expect(r.stderr).to.contain(`${left} entries wait in the spool`);
    await emu.clearFaults();
    const flushed = await runMain(['flush', '--log-ocid', log], { env });
    expect(flushed.code, flushed.stderr).to.equal(0);
    const data = await uniqueData(emu, log);
    expect(data).to.have.length(65);
    expect((await emu.entries(log)).length, 'nothing sent twice').to.equal(65);
  });

  it('--when-full drop-oldest while the service is away: read = sent + dropped + left in the spool, as printed', async () => {
    const log = await newLog();
    const state = tempDir();
    await emu.injectFault({ op: 'putLogs', status: 503, count: 1_000_000, retryAfterSeconds: 0 });
    const lines = Array.from({ length: 20_000 }, (_, i) => `drop ${String(i).padStart(6, '0')} ${'y'.repeat(60)}`);
    const r = await runMain(['--log-ocid', log, '--spool-max-bytes', '1M', '--when-full', 'drop-oldest', '--shutdown-timeout', '0.2', '--batch-size', '500'], {
      stdin: lines.join('\n') + '\n',
      env: { ...emu.env, XDG_STATE_HOME: state, TERM: 'xterm' },
      stderrIsTTY: true,
      columns: 200,
    });
    expect(r.code).to.equal(3);
    const summary = /oci-log: (\d+) read, (\d+) sent(?:, \d+ retries)?, (\d+) dropped, (\d+) left in the spool/.exec(r.stderr);
    expect(summary, r.stderr).to.not.equal(null);
    const [read, sent, dropped, left] = (summary as RegExpExecArray).slice(1).map(Number) as [number, number, number, number];
    expect(read).to.equal(lines.length);
    expect(read).to.equal(sent + dropped + left);
    const spool = join(state, 'oci-log', 'spool');
    const onDisk = readdirSync(spool)
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((k, f) => k + readFileSync(join(spool, f), 'utf8').split('\n').filter((l) => l.startsWith('{"data":')).length, 0);
    expect(onDisk, 'what is left is on disk').to.equal(left);
  });
});

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { LogRecord as DeadLetterRecord } from '../../src/core/pipe/log-record.js';

function readDeadLetter(file: string): DeadLetterRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DeadLetterRecord);
}

/** The pipe's harder corners: lossless shutdown under a stalled service, replay fidelity, unreachable endpoints. */
describe('oci-log send: edge cases against the emulator', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = () => emu.createLog(group, `edge-${++n}`);

  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('pipe-edges');
  });
  after(async () => {
    await emu?.stop();
  });
  afterEach(async () => {
    await emu.clearFaults();
  });

  it('puts the dead-letter file under XDG_STATE_HOME by default, named after the UTC time and pid', async () => {
    const state = tempDir();
    const r = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaadoesnotexist'], { stdin: 'a\nb\n', env: { ...emu.env, XDG_STATE_HOME: state } });
    expect(r.code).to.equal(3);
    const dir = join(state, 'oci-log', 'dead-letter');
    const files = readdirSync(dir);
    expect(files).to.have.lengthOf(1);
    expect(files[0]).to.match(/^\d{8}T\d{6}Z-\d+\.jsonl$/);
    expect(r.stderr).to.contain(join(dir, files[0] as string));
    expect(readDeadLetter(join(dir, files[0] as string)).map((x) => x.data)).to.deep.equal(['a', 'b']);
  });

  it('a default dead-letter folder that cannot be written only warns: the lines are still delivered (exit 0)', async () => {
    const log = await newLog();
    const blocker = join(tempDir(), 'state-is-a-file');
    writeFileSync(blocker, '');
    const r = await runMain(['--log-ocid', log, '--no-spool'], { stdin: 'a\nb\n', env: { ...emu.env, XDG_STATE_HOME: blocker } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('the default dead-letter file').and.to.contain('cannot be written');
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['a', 'b']);
  });

  it('after a permanent refusal, replay delivers the lines to their own log with their ids, times and subject, and removes the file', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'dl.jsonl');
    await emu.injectFault({ op: 'putLogs', status: 400, count: 1 });
    const lines = Array.from({ length: 300 }, (_, i) => `replay me ${i}`);
    const sent = await runMain(['--log-ocid', log, '--subject', 'subj', '--dead-letter', file], { stdin: lines.join('\n'), env: emu.env });
    expect(sent.code).to.equal(3);
    expect(sent.stderr).to.contain('400').and.to.contain(file);
    const records = readDeadLetter(file);
    expect(records.map((x) => x.data)).to.deep.equal(lines);
    expect((await emu.entries(log)).length).to.equal(0);
    await emu.clearFaults();
    const replay = await runMain(['replay', file], { env: emu.env });
    expect(replay.stderr).to.equal('');
    expect(replay.code).to.equal(0);
    expect(existsSync(file)).to.equal(false);
    const entries = await emu.entries(log);
    expect(entries.map((e) => ({ data: e.data, id: e.id, time: e.time, subject: e.subject }))).to.deep.equal(
      records.map((x) => ({ data: x.data, id: x.id, time: x.time, subject: 'subj' })),
    );
  });

  it('replay delivers records whose ids hold characters above ASCII, with those ids, and removes the file', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'dl.jsonl');
    const ids = ['good-1', 'id-café-€-😀', 'good-3'];
    const rec = (id: string, data: string) => JSON.stringify({ data, id, time: '2026-12-01T00:00:00.000Z', source: 's', type: 't', logId: log }) + '\n';
    writeFileSync(file, rec(ids[0] as string, 'one') + rec(ids[1] as string, 'two') + rec(ids[2] as string, 'three'));
    const replay = await runMain(['replay', file], { env: emu.env });
    expect(replay.code, replay.stderr).to.equal(0);
    expect(existsSync(file)).to.equal(false);
    expect((await emu.entries(log)).map((e) => [e.data, e.id])).to.deep.equal([
      ['one', ids[0]],
      ['two', ids[1]],
      ['three', ids[2]],
    ]);
  });

  it('replay leaves its file as it was when records could be neither delivered nor written back (exit 3)', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'dl.jsonl');
    const text = ['one', 'two'].map((data, i) => JSON.stringify({ data, id: `i${i}`, time: '2026-12-01T00:00:00.000Z', source: 's', type: 't', logId: log }) + '\n').join('');
    writeFileSync(file, text);
    // Where replay writes back what the service refused: a folder, so that write fails.
    mkdirSync(`${file}.replay-${process.pid}.tmp`);
    await emu.injectFault({ op: 'putLogs', status: 400, count: 1 });
    const replay = await runMain(['replay', file], { env: emu.env });
    expect(replay.code, replay.stderr).to.equal(3);
    expect(readFileSync(file, 'utf8')).to.equal(text);
    expect(replay.stderr).to.contain(`${file}: left as it was`);
  });

  it('replay of a file with nothing it can send leaves the file byte for byte, mode and all (exit 3)', async () => {
    const file = join(tempDir(), 'not-records.jsonl');
    // Binary and invalid UTF-8 (0xff, a lone 0xc3, NUL), a CR before the newline, a last line without one.
    const bytes = Buffer.from([0x68, 0x69, 0xff, 0x0a, 0x00, 0xc3, 0x28, 0x0d, 0x0a, 0x7b, 0x7d, 0x0a, 0x80, 0x81]);
    writeFileSync(file, bytes, { mode: 0o644 });
    chmodSync(file, 0o644);
    const replay = await runMain(['replay', file], { env: emu.env });
    expect(replay.code, replay.stderr).to.equal(3);
    expect(readFileSync(file).equals(bytes), 'file unchanged').to.equal(true);
    expect(statSync(file).mode & 0o777).to.equal(0o644);
    expect(replay.stderr).to.contain(`${file}:1: not JSON; line kept in the file`);
  });

  it('replay writes the lines it cannot read back as their own bytes, beside what the service refused', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'mixed.jsonl');
    const good = JSON.stringify({ data: 'sent', id: 'm1', time: '2026-12-01T00:00:00.000Z', source: 's', type: 't', logId: log }) + '\n';
    const junk = Buffer.from([0x6a, 0xff, 0xfe, 0x0d]);
    writeFileSync(file, Buffer.concat([Buffer.from(good), junk, Buffer.from('\n')]));
    const replay = await runMain(['replay', file], { env: emu.env });
    expect(replay.code, replay.stderr).to.equal(3);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['sent']);
    expect(readFileSync(file).equals(Buffer.concat([junk, Buffer.from('\n')])), 'only the unreadable line is left, as it was').to.equal(true);
  });

  it('replay of a missing file exits 2 naming it', async () => {
    const r = await runMain(['replay', '/nonexistent/dl.jsonl'], { env: emu.env });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('/nonexistent/dl.jsonl');
  });

  it('on SIGTERM with the service stalled, loses nothing: what did not arrive waits in the spool, and flush sends it (exit 3, then 0)', async () => {
    const log = await newLog();
    const state = tempDir();
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 1000 });
    const env = { ...emu.env, XDG_STATE_HOME: state };
    const cli = startMain(['--log-ocid', log, '--tee', '--batch-size', '500', '--shutdown-timeout', '0.5', '--request-timeout', '20'], { env, stdin: 'open' });
    const lines = Array.from({ length: 3000 }, (_, i) => `term ${i}`);
    cli.stdin.write(lines.join('\n') + '\n');
    // --tee shows what oci-log has read: signal once it has read everything.
    await eventually(() => cli.stdout().toString().split('\n').length > lines.length);
    cli.signal('SIGTERM');
    const { code } = await cli.done;
    expect(code).to.equal(3);
    const spool = join(state, 'oci-log', 'spool');
    expect(cli.stderr()).to.contain(`wait in the spool ${spool}`);
    expect(existsSync(join(state, 'oci-log', 'dead-letter')), 'nothing dead-lettered').to.equal(false);
    await emu.clearFaults();
    const flushed = await runMain(['flush'], { env });
    expect(flushed.code, flushed.stderr).to.equal(0);
    const delivered = (await emu.entries(log)).map((e) => e.data);
    expect([...new Set(delivered)].sort()).to.deep.equal([...lines].sort());
  });

  it('replay and flush interrupted under a stalled service leave no temporary file: the dead-letter file is as it was, the spool keeps the rest', async () => {
    const log = await newLog();
    const dir = tempDir();
    const file = join(dir, 'left.jsonl');
    const records = Array.from({ length: 50 }, (_, i) => JSON.stringify({ data: `left ${i}`, id: `id-${i}`, time: new Date().toISOString(), source: 's', type: 't', logId: log }));
    writeFileSync(file, records.join('\n') + '\n');
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 1000 });
    const stalls = async () => (await emu.pendingFaults())[0]?.remaining ?? 0;
    const replay = startMain(['replay', file, '--shutdown-timeout', '0.2', '--request-timeout', '20'], { env: emu.env });
    await eventually(async () => (await stalls()) < 1000);
    replay.signal('SIGTERM');
    expect((await replay.done).code).to.equal(3);
    expect(readdirSync(dir)).to.deep.equal(['left.jsonl']);
    expect(readFileSync(file, 'utf8')).to.equal(records.join('\n') + '\n');

    // A run that left its lines in the spool, then a flush of them cut short.
    const state = tempDir();
    const env = { ...emu.env, XDG_STATE_HOME: state };
    const sent = await runMain(['--log-ocid', log, '--shutdown-timeout', '0.2', '--request-timeout', '20'], { env, stdin: 'spooled 1\nspooled 2\n' });
    expect(sent.code).to.equal(3);
    const spool = join(state, 'oci-log', 'spool');
    const before = readdirSync(spool).filter((f) => !f.endsWith('.lock')).length;
    const waiting = await stalls();
    const flush = startMain(['flush', '--shutdown-timeout', '0.2', '--request-timeout', '20'], { env });
    await eventually(async () => (await stalls()) < waiting);
    flush.signal('SIGTERM');
    expect((await flush.done).code).to.equal(3);
    const after = readdirSync(spool);
    expect(after.filter((f) => f.endsWith('.tmp')), 'no temporary file').to.deep.equal([]);
    expect(after.filter((f) => !f.endsWith('.lock')).length, 'the segments are still there').to.equal(before);
    await emu.clearFaults();
    expect((await runMain(['flush'], { env })).code).to.equal(0);
    expect((await runMain(['replay', file], { env: emu.env })).code).to.equal(0);
    const delivered = new Set((await emu.entries(log)).map((e) => e.data));
    expect(delivered.has('spooled 2') && delivered.has('left 49')).to.equal(true);
  });

  it('--no-spool: on SIGTERM with the service stalled, entries + dead-letter = input, exit 3', async () => {
    const log = await newLog();
    const file = join(tempDir(), 'term.jsonl');
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 1000 });
    const cli = startMain(['--log-ocid', log, '--no-spool', '--tee', '--batch-size', '500', '--dead-letter', file, '--shutdown-timeout', '0.5', '--request-timeout', '20'], { env: emu.env, stdin: 'open' });
    const lines = Array.from({ length: 3000 }, (_, i) => `term ${i}`);
    cli.stdin.write(lines.join('\n') + '\n');
    await eventually(() => cli.stdout().toString().split('\n').length > lines.length);
    cli.signal('SIGTERM');
    const { code } = await cli.done;
    expect(code).to.equal(3);
    const delivered = (await emu.entries(log)).map((e) => e.data);
    const dead = readDeadLetter(file).map((x) => x.data);
    expect([...new Set([...delivered, ...dead])].sort()).to.deep.equal([...lines].sort());
    expect(cli.stderr()).to.contain(file);
  });

  it('an endpoint that refuses connections: the lines wait in the spool, and the message names the endpoint', async () => {
    const r = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaaany', '--shutdown-timeout', '0.3'], {
      stdin: 'one\ntwo\n',
      env: { ...emu.env, OCI_LOG_ENDPOINT: 'http://127.0.0.1:1' },
    });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain('http://127.0.0.1:1').and.to.contain('ECONNREFUSED').and.to.contain('2 entries wait in the spool');
  });

  it('--no-spool, an endpoint that refuses connections: retries, then dead-letters, naming the endpoint', async () => {
    const file = join(tempDir(), 'refused.jsonl');
    const r = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaaany', '--no-spool', '--max-retries', '1', '--dead-letter', file], {
      stdin: 'one\ntwo\n',
      env: { ...emu.env, OCI_LOG_ENDPOINT: 'http://127.0.0.1:1' },
    });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain('http://127.0.0.1:1').and.to.contain('ECONNREFUSED').and.to.contain(file);
    expect(readDeadLetter(file).map((x) => x.data)).to.deep.equal(['one', 'two']);
  });

  it('gives the pieces of a long line one time and ids <line id>-p0001…', async () => {
    const log = await newLog();
    const line = Array.from({ length: 2500 }, (_, i) => `${String(i).padStart(5, '0')}ü😀 `).join(''); // 25,000 code units
    const r = await runMain(['--log-ocid', log], { stdin: `${line}\nafter\n`, env: emu.env });
    expect(r.code).to.equal(0);
    const entries = await emu.entries(log);
    const pieces = entries.slice(0, -1);
    const base = pieces[0]?.id.replace(/-p0001$/, '');
    expect(pieces.map((e) => e.id)).to.deep.equal(pieces.map((_, i) => `${base}-p${String(i + 1).padStart(4, '0')}`));
    expect(new Set(pieces.map((e) => e.time)).size).to.equal(1);
    expect(pieces.every((e) => e.data.length <= 10_000)).to.equal(true);
    expect(pieces.map((e) => e.data).join('')).to.equal(line);
    expect(entries.at(-1)?.data).to.equal('after');
  });

  it('a missing key file exits 2 naming it, without waiting for stdin to end', async () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    writeFileSync(config, readFileSync(emu.configFile, 'utf8').replace(/^key_file\s*=.*$/m, `key_file=${join(dir, 'missing.pem')}`));
    const cli = startMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaaany'], { env: { ...emu.env, OCI_CLI_CONFIG_FILE: config }, stdin: 'open' });
    const { code } = await cli.done; // stdin is still open
    cli.stdin.end();
    expect(code).to.equal(2);
    expect(cli.stderr()).to.contain(join(dir, 'missing.pem'));
  });
});

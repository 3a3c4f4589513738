import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';

/** What a line becomes in the log once its pieces are put back together. */
function reassemble(entries: Array<{ id: string; data: string }>): string[] {
  const lines: string[] = [];
  let lastBase = '';
  for (const e of entries) {
    const m = /^(.*)-p(\d{4})$/.exec(e.id);
    if (m && m[2] !== '0001' && m[1] === lastBase) lines[lines.length - 1] += e.data;
    else lines.push(e.data);
    lastBase = m ? (m[1] ?? '') : e.id;
  }
  return lines;
}

describe('oci-log (the pipe) against the emulator', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `pipe-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('pipe-tests');
  });
  after(async () => emu.stop());

  it('delivers every line of a 20,000-line mixed input once, in order, with sortable ids, saying nothing', async () => {
    const log = await newLog();
    const kinds = [
      (i: number) => `plain ${i} café ✓ 😀 日本語`,
      (i: number) => `quotes "double" 'single' \\backslash\\ ${i}`,
      (i: number) => `tabs\there\tand\tthere ${i}`,
      (i: number) => JSON.stringify({ level: 'info', msg: 'served', n: i, nested: { ok: true } }),
      (i: number) => `crlf line ${i}\r`,
    ];
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 5000 === 7 ? 'x'.repeat(9_990) + i : kinds[i % kinds.length]!(i)));
    const r = await runMain(['--log-ocid', log, '--subject', 'mixed'], { stdin: lines.join('\n') + '\n', env: emu.env });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    // Several requests are in flight, so arrival order is not input order; ids (and times) are.
    const entries = (await emu.entries(log)).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(entries.map((e) => e.data)).to.deep.equal(lines.map((l) => l.replace(/\r$/, '')));
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).to.equal(ids.length);
    const times = entries.map((e) => e.time);
    expect([...times].sort()).to.deep.equal(times);
    expect(entries[0]).to.include({ subject: 'mixed', type: 'oci-log' });
    expect(entries[0]?.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('with requests in flight at once against a distant service, ids and times still give the input order', async () => {
    const log = await newLog();
    await emu.setLatency(40);
    try {
      const lines = Array.from({ length: 5000 }, (_, i) => `in flight ${String(i).padStart(4, '0')}`);
      const r = await runMain(['--log-ocid', log, '--batch-size', '100', '--max-in-flight', '8'], { stdin: lines.join('\n') + '\n', env: emu.env });
      expect(r.code, r.stderr).to.equal(0);
      const arrived = await emu.entries(log);
      const byId = [...arrived].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(byId.map((e) => e.data)).to.deep.equal(lines);
      const times = byId.map((e) => e.time);
      expect([...times].sort()).to.deep.equal(times);
      expect(new Set(arrived.map((e) => e.id)).size).to.equal(lines.length);
    } finally {
      await emu.setLatency(0);
    }
  });

  it("delivers a slow producer's first line before its input ends", async () => {
    const log = await newLog();
    const cli = startMain(['--log-ocid', log, '--flush-interval', '100'], { env: emu.env, stdin: 'open' });
    cli.stdin.write('first line\n');
    const entries = await eventually(async () => {
      const e = await emu.entries(log);
      return e.length > 0 ? e : undefined;
    });
    expect(entries.map((e) => e.data)).to.deep.equal(['first line']);
    cli.stdin.end('second line\n');
    expect((await cli.done).code).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['first line', 'second line']);
  });

  it('rides out 429, 5xx, resets and stalls, and delivers everything with exit 0', async () => {
    const log = await newLog();
    await emu.injectFault({ op: 'putLogs', status: 429, count: 1, retryAfterSeconds: 0 });
    await emu.injectFault({ op: 'putLogs', status: 503, count: 1, retryAfterSeconds: 0 });
    await emu.injectFault({ op: 'putLogs', kind: 'reset', count: 1 });
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 1 });
    const lines = Array.from({ length: 3000 }, (_, i) => `retry me ${i}`);
    const before = (await emu.stats()).requests['putLogs'] ?? 0;
    const r = await runMain(['--log-ocid', log, '--request-timeout', '1', '--batch-size', '1000'], { stdin: lines.join('\n'), env: emu.env });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(lines);
    expect(((await emu.stats()).requests['putLogs'] ?? 0) - before).to.equal(3 + 4);
  });

  it('dead-letters every line for an unknown log, says why and where, exits 3; replay delivers them', async () => {
    const dir = tempDir();
    const deadLetter = join(dir, 'dl.jsonl');
    const missing = 'ocid1.log.oc1.iad.amaaaaaadoesnotexist';
    const lines = Array.from({ length: 2500 }, (_, i) => `undeliverable ${i}`);
    const r = await runMain(['--log-ocid', missing, '--dead-letter', deadLetter, '--batch-size', '500'], { stdin: lines.join('\n') + '\n', env: emu.env });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain(`PutLogs to ${missing} failed: 404`);
    expect(r.stderr).to.match(/opc-request-id [0-9A-F]/);
    expect(r.stderr).to.contain(deadLetter);
    expect(r.stderr.match(/delivery stopped/g)).to.have.length(1);
    const records = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { data: string; id: string; time: string; logId: string });
    expect(records.map((x) => x.data)).to.deep.equal(lines);
    expect(records[0]).to.have.keys('data', 'id', 'time', 'source', 'type', 'logId');
    expect(records[0]?.logId).to.equal(missing);

    const log = await newLog();
    const replay = await runMain(['replay', '--log-ocid', log, deadLetter], { env: emu.env });
    expect(replay.code, replay.stderr).to.equal(0);
    expect(existsSync(deadLetter)).to.equal(false);
    const entries = await emu.entries(log);
    expect(entries.map((e) => [e.data, e.id, e.time])).to.deep.equal(records.map((x) => [x.data, x.id, x.time]));
  });

  it('replay keeps what still fails in the file and exits 3', async () => {
    const log = await newLog();
    const dir = tempDir();
    const deadLetter = join(dir, 'dl.jsonl');
    await emu.injectFault({ op: 'putLogs', status: 400, count: 1 });
    const r = await runMain(['--log-ocid', log, '--dead-letter', deadLetter], { stdin: 'a\nb\nc\n', env: emu.env });
    expect(r.code).to.equal(3);
    await emu.injectFault({ op: 'putLogs', status: 400, count: 1 });
    const failed = await runMain(['replay', deadLetter], { env: emu.env });
    expect(failed.code).to.equal(3);
    expect(readFileSync(deadLetter, 'utf8').trim().split('\n')).to.have.length(3);
    const ok = await runMain(['replay', deadLetter], { env: emu.env });
    expect(ok.code, ok.stderr).to.equal(0);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['a', 'b', 'c']);
    const missing = await runMain(['replay', join(dir, 'nope.jsonl')], { env: emu.env });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('nope.jsonl: no such file');
  });

  it('loses nothing on SIGTERM mid-stream: what was read is delivered, and exit is 0', async () => {
    const log = await newLog();
    const cli = startMain(['--log-ocid', log, '--batch-size', '100', '--flush-interval', '5000'], { env: emu.env, stdin: 'open' });
    let written = 0;
    for (let i = 0; i < 250; i++) {
      cli.stdin.write(`line ${i}\n`);
      written++;
    }
    await eventually(async () => ((await emu.entries(log)).length >= 200 ? true : undefined));
    cli.signal('SIGTERM');
    const { code } = await cli.done;
    expect(code, cli.stderr()).to.equal(0);
    const got = (await emu.entries(log)).map((e) => e.data);
    expect(got).to.deep.equal(Array.from({ length: written }, (_, i) => `line ${i}`));
  });

  it('delivers invalid UTF-8, NUL and control bytes, a 3 MB line and a last line with no newline', async () => {
    const log = await newLog();
    const big = 'é'.repeat(1_500_000); // 3 MB of UTF-8
    const input = Buffer.concat([
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0xc3, 0x28, 0x0a]),
      Buffer.from('nul\u0000bell\u0007esc\u001b[0m\n'),
      Buffer.from(big + '\n'),
      Buffer.from('no newline at the end'),
    ]);
    const r = await runMain(['--log-ocid', log], { stdin: input, env: emu.env });
    expect(r.code, r.stderr).to.equal(0);
    const entries = await emu.entries(log);
    expect(entries.every((e) => e.data.length <= 10_000)).to.equal(true);
    const lines = reassemble(entries);
    expect(lines).to.deep.equal(['bad\ufffd\ufffd(', 'nul\u0000bell\u0007esc\u001b[0m', big, 'no newline at the end']);
    const pieces = entries.filter((e) => /-p\d{4}$/.test(e.id));
    expect(pieces).to.have.length(150);
    expect(pieces[0]?.id).to.match(/-p0001$/);
    expect(pieces.at(-1)?.id).to.match(/-p0150$/);
  });

  it('sends a long JSON line whole when every value fits, so its fields can be searched; one with a longer value in pieces', async () => {
    const log = await newLog();
    const fits = JSON.stringify({ level: 'error', parts: Array.from({ length: 300 }, (_, i) => `part ${i} ${'x'.repeat(60)}`) });
    const over = JSON.stringify({ level: 'error', blob: 'y'.repeat(12_000) });
    expect(fits.length).to.be.above(20_000);
    const r = await runMain(['--log-ocid', log], { stdin: fits + '\n' + over + '\n', env: emu.env });
    expect(r.code, r.stderr).to.equal(0);
    const entries = await emu.entries(log);
    expect(entries[0]?.data).to.equal(fits);
    expect(entries[0]?.id).not.to.match(/-p\d+$/);
    expect(entries.slice(1).map((e) => e.id.slice(-6))).to.deep.equal(['-p0001', '-p0002']);
    expect(reassemble(entries)).to.deep.equal([fits, over]);
    const found = await runMain(['query', '--log-ocid', log, '--query', `search "${emu.tenancy}" | where data.level = 'error'`, '--output', 'jsonl'], { env: emu.env });
    expect(found.code, found.stderr).to.equal(0);
    expect(found.stdout.toString().trim().split('\n')).to.have.length(1);
  });

  it('--tee copies stdin to stdout byte for byte', async () => {
    const log = await newLog();
    const input = Buffer.concat([Buffer.from('one\r\ntwo\n'), Buffer.from([0xff, 0x00, 0x0a]), Buffer.from('last')]);
    const r = await runMain(['--log-ocid', log, '--tee'], { stdin: input, env: emu.env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.equals(input)).to.equal(true);
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['one', 'two', '\ufffd\u0000', 'last']);
  });

  it('--dry-run prints the request bodies and sends nothing, without credentials', async () => {
    const before = (await emu.stats()).requests['putLogs'] ?? 0;
    const r = await runMain(['--dry-run', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaadry', '--batch-size', '2', '--source', 'me'], {
      stdin: 'a\nb\nc\n',
      env: { ...emu.env, OCI_CLI_CONFIG_FILE: '/nonexistent/config' },
    });
    expect(r.code, r.stderr).to.equal(0);
    const bodies = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(bodies).to.have.length(2);
    expect(bodies[0].logEntryBatches[0].entries.map((e: { data: string }) => e.data)).to.deep.equal(['a', 'b']);
    expect(bodies[0].logEntryBatches[0].source).to.equal('me');
    expect((await emu.stats()).requests['putLogs'] ?? 0).to.equal(before);
  });

  it('--tee and --dry-run survive a reader that goes away (EPIPE) without losing the shipping', async () => {
    const log = await newLog();
    const lines = Array.from({ length: 50_000 }, (_, i) => `tee line ${i}`);
    const tee = startMain(['--log-ocid', log, '--tee'], { env: emu.env, stdin: 'open' });
    tee.closeStdout();
    tee.stdin.end(lines.join('\n'));
    expect((await tee.done).code, tee.stderr()).to.equal(0);
    expect((await emu.entries(log)).length).to.equal(lines.length);
    const dry = startMain(['--dry-run', '--log-ocid', log], { env: emu.env, stdin: 'open' });
    dry.closeStdout();
    dry.stdin.end(lines.join('\n'));
    expect((await dry.done).code, dry.stderr()).to.equal(0);
  });

  it('refuses a bad setup with exit 2 naming the file, before reading stdin', async () => {
    const missing = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax'], { stdin: 'x\n', env: { ...emu.env, OCI_CLI_CONFIG_FILE: '/nonexistent/oci/config' } });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('/nonexistent/oci/config');
    const profile = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', '--profile', 'NOPE'], { stdin: 'x\n', env: emu.env });
    expect(profile.code).to.equal(2);
    expect(profile.stderr).to.contain('NOPE');
    const badOcid = await runMain(['--log-ocid', 'ocid1.loggroup.oc1.iad.x'], { stdin: 'x\n', env: emu.env });
    expect(badOcid.code).to.equal(2);
    expect(badOcid.stderr).to.contain('--log-ocid ocid1.loggroup.oc1.iad.x: not a log OCID');
    const badBatch = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', '--batch-bytes', '20000000'], { stdin: 'x\n', env: emu.env });
    expect(badBatch.code).to.equal(2);
    expect(badBatch.stderr).to.contain('--batch-bytes 20000000');
    const badDeadLetter = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', '--dead-letter', '/etc/passwd/dl.jsonl'], { stdin: 'x\n', env: emu.env });
    expect(badDeadLetter.code).to.equal(2);
    expect(badDeadLetter.stderr).to.contain('--dead-letter /etc/passwd/dl.jsonl: cannot write there: /etc/passwd is not a folder');
  });
});

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import pino from 'pino';
import { createLogStream } from 'oci-log';
import { eventually } from '../helpers/cli.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { uniqueData } from '../helpers/spool.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The library face and the pino transport, against an in-process emulator (imported by the package's own name). */
describe('oci-log as a library', function () {
  let emu: TestEmulator;
  let group: string;
  let n = 0;
  const newLog = async () => emu.createLog(group, `lib-${++n}`);
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('library-tests');
  });
  after(async () => emu.stop());

  /** Variables that point a stream at the emulator, with a state folder (spool, dead-letter files) of its own. */
  const envFor = () => ({
    ...emu.env,
    OCI_CLI_CONFIG_FILE: emu.configFile,
    OCI_CLI_PROFILE: emu.profile,
    OCI_LOG_ENDPOINT: emu.url,
    HOME: tempDir('oci-log-lib-home-'),
    XDG_STATE_HOME: tempDir('oci-log-lib-state-'),
  });

  it('createLogStream ships lines written in any chunks, with the batching and the spool of the CLI', async () => {
    const log = await newLog();
    const warnings: string[] = [];
    const stream = createLogStream({ logOcid: log, env: envFor(), source: 'lib-test', subject: 'sub', flushIntervalMs: 50, onWarning: (m) => warnings.push(m) });
    stream.write('first li');
    stream.write('ne\nsecond line\nthi');
    stream.end('rd line, no newline');
    const result = await stream.result;
    expect(result).to.include({ accepted: 3, delivered: 3, spooled: 0, deadLettered: 0 });
    const entries = await emu.entries(log);
    expect(entries.map((e) => e.data)).to.deep.equal(['first line', 'second line', 'third line, no newline']);
    expect(entries[0]).to.include({ source: 'lib-test', subject: 'sub', type: 'oci-log' });
    expect(warnings).to.deep.equal([]);
    expect(stream.stats().delivered).to.equal(3);
  });

  it('takes the line stages as options: multiline, the line\'s own time, redaction', async () => {
    const log = await newLog();
    const stream = createLogStream({ logOcid: log, env: envFor(), multiline: 'java', timeKey: 'ts', redact: ['secrets'], onWarning: () => undefined });
    stream.write('{"ts":"2026-11-30T10:00:00.000Z","msg":"login","password":"hunter2"}\n');
    stream.write('java.lang.IllegalStateException: boom\n\tat com.example.A.run(A.java:10)\n\tat com.example.Main.main(Main.java:5)\n');
    stream.end('after\n');
    const r = await stream.result;
    expect(r.delivered).to.equal(3);
    const entries = await emu.entries(log);
    expect(entries[0]?.time).to.equal('2026-11-30T10:00:00.000Z');
    expect(entries[0]?.data).to.not.contain('hunter2');
    expect(entries[0]?.data).to.contain('[REDACTED]');
    expect(entries[1]?.data.split('\n')).to.have.length(3);
    expect(entries[2]?.data).to.equal('after');
  });

  it('refuses bad options at once, naming the option', () => {
    expect(() => createLogStream({ logOcid: 'ocid1.loggroup.oc1.iad.x' })).to.throw(TypeError, 'logOcid');
    expect(() => createLogStream({ logOcid: 'ocid1.log.oc1.iad.x', batchSize: 0 })).to.throw(RangeError, 'batchSize');
    expect(() => createLogStream({ logOcid: 'ocid1.log.oc1.iad.x', spool: { whenFull: 'later' as never } })).to.throw(TypeError, 'whenFull');
    expect(() => createLogStream({ logOcid: 'ocid1.log.oc1.iad.x', multiline: 'cobol' as never })).to.throw(TypeError, 'multiline');
    expect(() => createLogStream({ logOcid: 'ocid1.log.oc1.iad.x', redact: ['(unclosed'] })).to.throw(TypeError, 'redact');
  });

  it('a setup that cannot work fails the stream with the reason (and result rejects)', async () => {
    const stream = createLogStream({ logOcid: 'ocid1.log.oc1.iad.x', env: { ...envFor(), OCI_CLI_CONFIG_FILE: '/nonexistent/oci-config' } });
    const err = await new Promise<Error>((resolve) => stream.on('error', resolve));
    expect(err.message).to.contain('/nonexistent/oci-config');
    let rejected: unknown;
    await stream.result.catch((e: unknown) => (rejected = e));
    expect(rejected).to.equal(err);
  });

  it('destroyed before its end, it leaves what it took in the spool, and the next stream for the log sends it', async () => {
    const log = await newLog();
    const env = envFor();
    await emu.injectFault({ op: 'putLogs', kind: 'stall', count: 10 });
    const first = createLogStream({ logOcid: log, env, flushIntervalMs: 20, requestTimeoutMs: 60_000, onWarning: () => undefined });
    first.write('kept 1\nkept 2\n');
    await eventually(() => first.stats().accepted === 2);
    first.destroy();
    const left = await first.result;
    expect(left).to.include({ spooled: 2, delivered: 0 });
    await emu.clearFaults();
    // A stream in this same process: the first one let go of its lock, so its segments are adoptable.
    const second = createLogStream({ logOcid: log, env, onWarning: () => undefined });
    second.end('new\n');
    const r = await second.result;
    expect(r).to.include({ recovered: 2, accepted: 1, delivered: 3 });
    // At least once: the first stream's stalled request may still land once the stall is lifted.
    expect((await uniqueData(emu, log)).sort()).to.deep.equal(['kept 1', 'kept 2', 'new']);
  });

  it('destroyed with a multiline group open, it leaves the group in the spool too, and no timer of it fires afterwards', async () => {
    const log = await newLog();
    const env = envFor();
    // A 1 ms group timeout: had destroy left the group's timer armed, it would fire (into a closed stream) while this test still runs.
    const first = createLogStream({ logOcid: log, env, multiline: 'java', multilineTimeoutMs: 1, flushIntervalMs: 3_600_000, onWarning: () => undefined });
    await new Promise<void>((resolve, reject) => first.write('before\njava.lang.IllegalStateException: boom\n\tat A.run(A.java:1)\n', (err) => (err ? reject(err) : resolve())));
    first.destroy();
    const left = await first.result;
    expect(left).to.include({ accepted: 2, spooled: 2, delivered: 0, lost: 0 });
    const second = createLogStream({ logOcid: log, env, onWarning: () => undefined });
    second.end();
    expect(await second.result).to.include({ recovered: 2, delivered: 2 });
    expect((await emu.entries(log)).map((e) => e.data)).to.deep.equal(['before', 'java.lang.IllegalStateException: boom\n\tat A.run(A.java:1)']);
  });

  it('oci-log/pino: a pino logger ships through the transport, and logger.flush() hands everything to it', async () => {
    const log = await newLog();
    const env = envFor();
    const transport = pino.transport({
      target: 'oci-log/pino',
      options: { logOcid: log, flushIntervalMs: 50, configFile: env.OCI_CLI_CONFIG_FILE, profile: env.OCI_CLI_PROFILE, endpoint: env.OCI_LOG_ENDPOINT, spool: { dir: join(env.XDG_STATE_HOME, 'spool') } },
    });
    const logger = pino(transport);
    for (let i = 0; i < 50; i++) logger.info({ i }, 'pino line');
    await promisify(logger.flush.bind(logger))();
    const entries = await eventually(async () => {
      const e = await emu.entries(log);
      return e.length === 50 ? e : undefined;
    });
    const first = JSON.parse(entries[0]?.data ?? '{}') as { msg?: string; i?: number; level?: number };
    expect(first).to.include({ msg: 'pino line', i: 0, level: 30 });
    transport.end();
    await new Promise((resolve) => transport.once('close', resolve));
  });

  it('oci-log/pino: what a process logs just before it exits is delivered (pino waits for the transport)', async () => {
    const log = await newLog();
    const env = envFor();
    const script = `
      import pino from 'pino';
      const logger = pino(pino.transport({ target: 'oci-log/pino', options: JSON.parse(process.env.TRANSPORT_OPTIONS) }));
      for (let i = 0; i < 200; i++) logger.info({ i }, 'at exit');
    `;
    const options = { logOcid: log, configFile: env.OCI_CLI_CONFIG_FILE, profile: env.OCI_CLI_PROFILE, endpoint: env.OCI_LOG_ENDPOINT, spool: { dir: join(env.XDG_STATE_HOME, 'spool') } };
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...env, PATH: process.env['PATH'], TRANSPORT_OPTIONS: JSON.stringify(options) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).to.equal(0);
    expect((await emu.entries(log)).length).to.equal(200);
    expect(readdirSync(join(env.XDG_STATE_HOME, 'spool')).filter((f) => f.endsWith('.jsonl'))).to.deep.equal([]);
  });
});

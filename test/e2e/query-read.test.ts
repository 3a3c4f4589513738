import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { instantClock } from '../helpers/clock.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import type { MainOptions } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** oci-log query as users of aws logs tail, cw and logcli expect it, in-process against the emulator. */
describe('query, like the tools people know', function () {
  let emu: TestEmulator;
  let group: string;
  let log: string;
  const cli = (args: string[], options: MainOptions = {}) => runMain(args, { clock: instantClock(), ...options, env: { ...emu.env, ...options.env } });
  const replay = async (records: Array<{ id: string; time: string; data: unknown; subject?: string }>, logId: string) => {
    const file = join(tempDir(), 'records.jsonl');
    writeFileSync(file, records.map((r) => JSON.stringify({ data: typeof r.data === 'string' ? r.data : JSON.stringify(r.data), id: r.id, time: r.time, source: 's', type: 't', subject: r.subject, logId })).join('\n') + '\n');
    expect((await cli(['replay', file])).code).to.equal(0);
  };
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('read');
    log = await emu.createLog(group, 'web');
    await replay(
      [
        { id: 'r-1', time: minutesAgo(30), data: { level: 'info', msg: 'started' }, subject: 'web-1' },
        { id: 'r-2', time: minutesAgo(20), data: { level: 'warn', msg: 'slow' }, subject: 'web-1' },
        { id: 'r-3', time: minutesAgo(10), data: { level: 'error', msg: 'boom' }, subject: 'web-1' },
        { id: 'r-4', time: minutesAgo(5), data: 'plain text', subject: 'web-1' },
      ],
      log,
    );
  });
  after(async () => emu.stop());

  it('prints each entry id once even when the log holds it twice (at-least-once delivery), without --follow', async () => {
    const again = await emu.createLog(group, 'twice');
    const time = minutesAgo(3);
    await replay([{ id: 'dup-1', time, data: 'once' }, { id: 'dup-2', time, data: 'twice' }], again);
    await replay([{ id: 'dup-2', time, data: 'twice' }], again); // a retried request the service had stored
    expect((await emu.entries(again)).map((e) => e.id)).to.deep.equal(['dup-1', 'dup-2', 'dup-2']);
    for (const output of ['text', 'jsonl', 'raw']) {
      const r = await cli(['query', '--log', 'read/twice', '--output', output]);
      expect(r.stdout.toString().trim().split('\n'), output).to.have.length(2);
    }
  });

  it('shows times in UTC with Z, in --timezone ZONE or --local (TZ) with their offset; a bad zone is exit 2', async () => {
    const utc = await cli(['query', '--log', 'read/web', '--output', 'jsonl', '--fields', 'time']);
    expect(utc.stdout.toString().trim().split('\n')[0]).to.match(/^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}$/);
    const tokyo = await cli(['query', '--log', 'read/web', '--timezone', 'Asia/Tokyo']);
    expect(tokyo.stdout.toString().split('\n')[0]).to.match(/^\S+\+09:00 web-1 \{"level":"info","msg":"started"\}$/);
    const local = await cli(['query', '--log', 'read/web', '--local'], { env: { TZ: 'America/St_Johns' } });
    expect(local.stdout.toString().split('\n')[0]).to.match(/^\S+-0[23]:30 web-1 /);
    const bad = await cli(['query', '--log', 'read/web', '--timezone', 'Mars/Olympus']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('--timezone Mars/Olympus: not a time zone');
  });

  it('reads --since in its friendly forms', async () => {
    const count = async (since: string, until?: string) => {
      const r = await cli(['query', '--log', 'read/web', '--since', since, ...(until ? ['--until', until] : [])]);
      expect(r.code, `${since}: ${r.stderr}`).to.equal(0);
      return r.stdout.toString().trim().split('\n').filter(Boolean).length;
    };
    expect(await count('15 minutes ago')).to.equal(2);
    expect(await count('25m')).to.equal(3);
    expect(await count('1h', '8 minutes ago')).to.equal(3);
    expect(await count(new Date(Date.now() - 12 * 60_000).toISOString().slice(0, 16))).to.equal(2); // ISO without seconds or zone: UTC
  });

  it('refuses a range longer than the longest retention (180 days) with exit 2 naming the flag, before any search', async () => {
    const before = (await emu.stats()).requests;
    for (const [args, flag] of [
      [['--since', '100000d'], '--since 100000d'],
      [['--since', '1000-01-01'], '--since 1000-01-01'],
      [['--since', '181d'], '--since 181d'],
      [['--until', '9999-01-01T00:00Z'], '--until 9999-01-01T00:00Z'],
    ] as Array<[string[], string]>) {
      const r = await cli(['query', '--log-ocid', log, '--log-group-id', group, '--compartment-id', emu.tenancy, ...args]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^oci-log: ${flag}: the range spans \\d+ days; a query spans at most 180 days, the longest retention a log can have`));
    }
    expect((await emu.stats()).requests['search'] ?? 0, 'no search was sent').to.equal(before['search'] ?? 0);
    const ok = await cli(['query', '--log-ocid', log, '--log-group-id', group, '--compartment-id', emu.tenancy, '--since', '179d']);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout.toString()).to.contain('plain text');
  });

  it('refuses a time with an offset that is none (+99:99) with exit 2', async () => {
    const r = await cli(['query', '--log-ocid', log, '--log-group-id', group, '--compartment-id', emu.tenancy, '--since', '2026-01-01T00:00+99:99']);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^oci-log: --since 2026-01-01T00:00\+99:99: not a valid date or time/);
  });

  it('a log that is not there is reported without suggesting --create, which query does not have', async () => {
    const r = await cli(['query', '--log', 'read/nosuchlog']);
    expect(r.code, r.stderr).to.equal(4);
    expect(r.stderr).to.match(/^oci-log: --log read\/nosuchlog: log group read \(\S+\) has no log named nosuchlog\n/);
    expect(r.stderr).not.to.contain('--create');
    const g = await cli(['query', '--log', 'nosuchgroup/web']);
    expect(g.stderr).to.match(/no log group named nosuchgroup in \S+ or its sub-compartments\n/).and.not.contain('--create');
  });

  it('colours a terminal (dim times, red errors, yellow warnings), not a pipe, not with NO_COLOR; --color decides', async () => {
    const tty = await cli(['query', '--log', 'read/web'], { stdoutIsTTY: true, env: { NO_COLOR: undefined, TERM: 'xterm' } });
    const text = tty.stdout.toString();
    expect(text).to.match(/\x1b\[2m\S+\x1b\[22m web-1 \{"level":"info"/);
    expect(text).to.contain('\x1b[33mweb-1 {"level":"warn","msg":"slow"}\x1b[39m');
    expect(text).to.contain('\x1b[31mweb-1 {"level":"error","msg":"boom"}\x1b[39m');
    expect((await cli(['query', '--log', 'read/web'], { stdoutIsTTY: true, env: { NO_COLOR: '1', TERM: 'xterm' } })).stdout.toString()).not.to.contain('\x1b[');
    expect((await cli(['query', '--log', 'read/web'], { env: { NO_COLOR: undefined, TERM: 'xterm' } })).stdout.toString()).not.to.contain('\x1b[');
    expect((await cli(['query', '--log', 'read/web', '--color', 'always'])).stdout.toString()).to.contain('\x1b[31m');
    expect((await cli(['query', '--log', 'read/web', '--color', 'never'], { stdoutIsTTY: true, env: { NO_COLOR: undefined, TERM: 'xterm' } })).stdout.toString()).not.to.contain('\x1b[');
  });

  it('--fields picks fields for text and jsonl; --output raw prints the data alone', async () => {
    const text = await cli(['query', '--log', 'read/web', '--fields', 'data.level,data.msg']);
    expect(text.stdout.toString()).to.equal('info started\nwarn slow\nerror boom\n- -\n');
    const jsonl = await cli(['query', '--log', 'read/web', '--fields', 'id,data.level', '--output', 'jsonl']);
    expect(jsonl.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as unknown)).to.deep.equal([{ id: 'r-1', data: { level: 'info' } }, { id: 'r-2', data: { level: 'warn' } }, { id: 'r-3', data: { level: 'error' } }, { id: 'r-4' }]);
    const raw = await cli(['query', '--log', 'read/web', '--output', 'raw']);
    expect(raw.stdout.toString()).to.equal('{"level":"info","msg":"started"}\n{"level":"warn","msg":"slow"}\n{"level":"error","msg":"boom"}\nplain text\n');
    const both = await cli(['query', '--log', 'read/web', '--output', 'raw', '--fields', 'time']);
    expect(both.code).to.equal(2);
  });

  it('names the log in text when a whole group is read', async () => {
    const other = await emu.createLog(group, 'api');
    await replay([{ id: 'api-1', time: minutesAgo(1), data: 'from api' }], other);
    const r = await cli(['query', '--log-group', 'read', '--since', '2m']);
    expect(r.stdout.toString()).to.match(/^\S+ api - from api\n$/);
    const one = await cli(['query', '--log', 'read/api', '--since', '2m']);
    expect(one.stdout.toString()).to.match(/^\S+ - from api\n$/);
  });

  it('--run last is the newest exec run in the log, last~1 the one before, read from its start', async () => {
    const cache = tempDir('oci-log-cache-');
    for (const word of ['first', 'second']) {
      const r = await cli(['exec', '--log', 'read/cron', '--create', '--', 'sh', '-c', `echo ${word}; echo ${word}-err >&2`], { env: { XDG_CACHE_HOME: cache } });
      expect(r.code, r.stderr).to.equal(0);
    }
    const last = await cli(['query', '--log', 'read/cron', '--run', 'last', '--stream', 'stdout'], { env: { XDG_CACHE_HOME: cache } });
    expect(last.code, last.stderr).to.equal(0);
    expect(last.stdout.toString()).to.match(/^\S+ stdout second\n$/);
    const before = await cli(['query', '--log', 'read/cron', '--run', 'last~1', '--output', 'raw'], { env: { XDG_CACHE_HOME: cache } });
    const events = before.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { event?: string; line?: string });
    expect(events.map((e) => e.event ?? e.line)).to.have.members(['start', 'first', 'first-err', 'end']);
    const none = await cli(['query', '--log', 'read/cron', '--run', 'last~5'], { env: { XDG_CACHE_HOME: cache } });
    expect(none.code).to.equal(4);
    expect(none.stderr).to.contain('--run last~5: fewer than 6 oci-log exec runs');
  });
});

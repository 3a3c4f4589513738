import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { instantClock } from '../helpers/clock.js';
import { admin, managementClient, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** --log GROUP/LOG on send, exec, query and flush; --create; the name cache; --log-ocid alone. */
describe('logs by name', function () {
  let emu: TestEmulator;
  // Each test its own cache folder unless it shares one on purpose.
  const cli = (args: string[], options: { input?: string; cache?: string } = {}) =>
    runMain(args, { env: { ...emu.env, XDG_CACHE_HOME: options.cache ?? tempDir('oci-log-cache-') }, clock: instantClock(), ...(options.input === undefined ? {} : { stdin: options.input }) });
  const requests = async (op: string) => (await emu.stats()).requests[op] ?? 0;
  const lines = (out: Buffer) => out.toString().trim().split('\n').map((l) => l.replace(/^\S+ \S+ /, ''));
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  it('--log GROUP/LOG --create makes the group and the log on first use, and reuses them after (no second group)', async () => {
    const cache = tempDir('oci-log-cache-');
    const first = await cli(['--log', 'app/web', '--create'], { input: 'first line\n', cache });
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stderr).to.match(/^oci-log: created log group app \(ocid1\.loggroup\.\S+\) and log web \(ocid1\.log\.\S+\)\n$/);
    const groups = await requests('createLogGroup');
    const again = await cli(['--log', 'app/web', '--create'], { input: 'second line\n' }); // a fresh cache: found by name
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.equal('');
    expect(await requests('createLogGroup')).to.equal(groups);
    const listed = JSON.parse((await cli(['list-log-groups', '--output', 'json'])).stdout.toString()) as Array<{ displayName: string }>;
    expect(listed.filter((g) => g.displayName === 'app')).to.have.length(1);
    const q = await cli(['query', '--log', 'app/web'], { cache });
    expect(q.code, q.stderr).to.equal(0);
    expect(lines(q.stdout)).to.deep.equal(['first line', 'second line']);
  });

  it('--dry-run --create makes nothing: it says what it would make, and prints the bodies', async () => {
    const before = { groups: await requests('createLogGroup'), logs: await requests('createLog') };
    const none = await cli(['--dry-run', '--log', 'drygroup/dry', '--create'], { input: 'hello\n' });
    expect(none.code, none.stderr).to.equal(0);
    expect(none.stderr).to.match(/^oci-log: --dry-run: --create would make log group drygroup in \S+ and log dry in it; nothing was made\n$/);
    expect(JSON.parse(none.stdout.toString()).logEntryBatches[0].entries[0].data).to.equal('hello');
    const group = await emu.createLogGroup('drygroup2');
    const noLog = await cli(['--dry-run', '--log', 'drygroup2/dry', '--create'], { input: 'hello\n' });
    expect(noLog.code, noLog.stderr).to.equal(0);
    expect(noLog.stderr).to.equal(`oci-log: --dry-run: --create would make log dry in log group drygroup2 (${group}); nothing was made\n`);
    expect({ groups: await requests('createLogGroup'), logs: await requests('createLog') }).to.deep.equal({ groups: before.groups + 1, logs: before.logs });
    const listed = await cli(['list-log-groups']);
    expect(listed.stdout.toString()).not.to.match(/^drygroup /m);
  });

  it('checks every flag before it looks the log up: a bad value is exit 2 with no request sent', async () => {
    const before = await requests('listLogGroups');
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    for (const [args, message] of [
      [['--spool-max-bytes', 'zz'], '--spool-max-bytes zz: expected a size'],
      [['--batch-size', '0'], '--batch-size 0: must be'],
      [['--dead-letter', join(file, 'dead.jsonl')], `--dead-letter ${join(file, 'dead.jsonl')}: cannot write there`],
    ] as Array<[string[], string]>) {
      const r = await cli(['--log', 'nosuch/log', '--create', ...args], { input: 'never read\n' });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.contain(`oci-log: ${message}`);
      const e = await cli(['exec', '--log', 'nosuch/log', '--create', ...args, '--', 'true']);
      expect(e.code, `exec ${args.join(' ')}: ${e.stderr}`).to.equal(2);
    }
    expect(await requests('listLogGroups')).to.equal(before);
  });

  it('a missing name says what to add; a name in two compartments lists both; a bad name is exit 2', async () => {
    const missing = await cli(['--log', 'nothere/web'], { input: 'x\n' });
    expect(missing.code).to.equal(4);
    expect(missing.stderr).to.contain('--log nothere/web: no log group named nothere in ').and.contain('(add --create to make it)');
    const reading = await cli(['query', '--log', 'nothere/web']);
    expect(reading.code).to.equal(4);
    expect(reading.stderr, 'query has no --create to suggest').to.contain('no log group named nothere').and.not.contain('--create');
    const { client } = await managementClient(emu);
    const other = 'ocid1.compartment.oc1..aaaaaaaaother';
    await admin(emu.url, 'POST', '/_emulator/compartments', { id: other });
    await client.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'twice' } });
    await client.createLogGroup({ createLogGroupDetails: { compartmentId: other, displayName: 'twice' } });
    const twice = await cli(['query', '--log', 'twice/web']);
    expect(twice.code).to.equal(2);
    expect(twice.stderr).to.match(/--log twice\/web: 2 log groups are named twice: ocid1\.loggroup\.\S+ \(in ocid1\.tenancy\.\S+\), ocid1\.loggroup\.\S+ \(in ocid1\.compartment\.oc1\.\.aaaaaaaaother\); give --compartment-id, or --log-ocid/);
    client.close();
    for (const bad of ['web', 'a/b/c', 'my app/web', '/web']) {
      const r = await cli(['query', '--log', bad]);
      expect(r.code, bad).to.equal(2);
      expect(r.stderr, bad).to.match(new RegExp(`^oci-log: --log ${bad.replace('/', '\\/')}: `));
    }
    const both = await cli(['--log', 'a/b', '--log-ocid', 'ocid1.log.oc1.iad.x'], { input: 'x\n' });
    expect(both.stderr).to.contain('give --log GROUP/LOG or --log-ocid, not both');
  });

  it('a stale cache entry is checked, not trusted: a deleted and re-made log is looked up again', async () => {
    const cache = tempDir('oci-log-cache-');
    const group = await emu.createLogGroup('stale');
    const oldLog = await emu.createLog(group, 'web');
    expect((await cli(['--log', 'stale/web'], { input: 'to the old log\n', cache })).code).to.equal(0);
    const lists = await requests('listLogGroups');
    expect((await cli(['--log', 'stale/web'], { input: 'cached\n', cache })).code).to.equal(0);
    expect(await requests('listLogGroups'), 'a confirmed cache entry needs no search').to.equal(lists);
    const { client } = await managementClient(emu);
    const deleted = await client.deleteLog({ logGroupId: group, logId: oldLog });
    // A delete takes effect when its work request finishes (at its next read, as the service's do).
    for (let i = 0; i < 5 && (await client.getWorkRequest({ workRequestId: deleted.opcWorkRequestId })).workRequest.status !== 'SUCCEEDED'; i++);
    client.close();
    const newLog = await emu.createLog(group, 'web');
    const r = await cli(['--log', 'stale/web'], { input: 'to the new log\n', cache });
    expect(r.code, r.stderr).to.equal(0);
    expect((await emu.entries(newLog)).map((e) => e.data)).to.deep.equal(['to the new log']);
  });

  it('exec and flush take --log too', async () => {
    const cache = tempDir('oci-log-cache-');
    const e = await cli(['exec', '--log', 'jobs/nightly', '--create', '--', 'true'], { cache });
    expect(e.code, e.stderr).to.equal(0);
    const q = await cli(['query', '--log', 'jobs/nightly', '--output', 'jsonl'], { cache });
    expect(q.stdout.toString().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { data: { event?: string } }).data.event)).to.deep.equal(['start', 'end']);
    const f = await cli(['flush', '--log', 'jobs/nightly', '--list'], { cache });
    expect(f.code, f.stderr).to.equal(0);
  });

  it('--log-ocid alone finds the group with list calls many at a time, and then from the cache', async () => {
    const cache = tempDir('oci-log-cache-');
    for (let i = 0; i < 4; i++) await emu.createLogGroup(`many-${i}`);
    const group = await emu.createLogGroup('many-last');
    const log = await emu.createLog(group, 'here');
    expect((await cli(['--log-ocid', log], { input: 'found me\n' })).code).to.equal(0);
    const first = await cli(['query', '--log-ocid', log], { cache });
    expect(first.code, first.stderr).to.equal(0);
    expect(lines(first.stdout)).to.deep.equal(['found me']);
    const listed = await requests('listLogs');
    const second = await cli(['query', '--log-ocid', log], { cache });
    expect(lines(second.stdout)).to.deep.equal(['found me']);
    expect(await requests('listLogs'), 'the second query asks the cache, then checks with one GetLog').to.equal(listed);
  });
});

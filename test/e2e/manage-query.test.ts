import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../helpers/cli.js';
import { instantClock } from '../helpers/clock.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain, startMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The management and query commands, run in-process against an in-process emulator over real HTTP. */
describe('log groups, logs and query against the emulator', function () {
  let emu: TestEmulator;
  // An instant clock: a create's wait for its work request does not sleep between polls.
  const cli = (args: string[], input?: string) => runMain(args, { env: emu.env, clock: instantClock(), ...(input === undefined ? {} : { stdin: input }) });
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  it('create → list → send → query round trip, in text, jsonl and json', async () => {
    const lg = await cli(['create-log-group', '--display-name', 'journey', '--description', 'round trip']);
    expect(lg.code, lg.stderr).to.equal(0);
    const groupId = lg.stdout.toString().trim();
    expect(groupId).to.match(/^ocid1\.loggroup\.oc1\.[a-z]+\.\w+$/);
    expect(lg.stderr).to.equal('');

    const groups = await cli(['list-log-groups']);
    expect(groups.stdout.toString()).to.match(new RegExp(`^NAME +OCID +STATE +CREATED\\njourney +${groupId} +ACTIVE +\\d{4}-`));

    const lo = await cli(['create-log', '--log-group', 'journey', '--display-name', 'web', '--retention-duration', '90']);
    expect(lo.code, lo.stderr).to.equal(0);
    const logId = lo.stdout.toString().trim();
    const logs = JSON.parse((await cli(['list-logs', '--log-group-id', groupId, '--output', 'json'])).stdout.toString()) as Array<{ id: string; displayName: string }>;
    expect(logs.map((l) => [l.displayName, l.id])).to.deep.equal([['web', logId]]);

    const sent = await cli(['--log-ocid', logId, '--subject', 'web-1'], 'plain text line\n{"level":"error","msg":"boom"}\nit\'s quoted\n');
    expect(sent.code, sent.stderr).to.equal(0);

    const text = await cli(['query', '--log-ocid', logId]);
    expect(text.code, text.stderr).to.equal(0);
    const lines = text.stdout.toString().trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).to.deep.equal(['web-1 plain text line', 'web-1 {"level":"error","msg":"boom"}', "web-1 it's quoted"]);
    expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);

    const jsonl = (await cli(['query', '--log-ocid', logId, '--log-group-id', groupId, '--compartment-id', emu.tenancy, '--output', 'jsonl'])).stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((e) => e.data)).to.deep.equal(['plain text line', { level: 'error', msg: 'boom' }, "it's quoted"]);
    expect(jsonl[0]).to.have.keys('time', 'data', 'id', 'source', 'type', 'subject', 'logId');
    expect(jsonl[0].logId).to.equal(logId);

    const json = JSON.parse((await cli(['query', '--log-group', 'journey', '--grep', "it's", '--output', 'json'])).stdout.toString());
    expect(json.map((e: { data: unknown }) => e.data)).to.deep.equal(["it's quoted"]);
    const where = await cli(['query', '--log-ocid', logId, '--where', "data.level = 'error'"]);
    expect(where.stdout.toString()).to.contain('boom').and.not.contain('plain');
  });

  it('--if-not-exists returns the same OCID; a duplicate without it is an error naming the existing OCID', async () => {
    const first = (await cli(['create-log-group', '--display-name', 'idem', '--if-not-exists'])).stdout.toString().trim();
    const again = await cli(['create-log-group', '--display-name', 'idem', '--if-not-exists']);
    expect(again.code).to.equal(0);
    expect(again.stdout.toString().trim()).to.equal(first);
    const dup = await cli(['create-log-group', '--display-name', 'idem']);
    expect(dup.code).to.equal(4);
    expect(dup.stderr).to.contain(first);
    const log1 = (await cli(['create-log', '--log-group-id', first, '--display-name', 'l', '--if-not-exists'])).stdout.toString().trim();
    const log2 = await cli(['create-log', '--log-group-id', first, '--display-name', 'l', '--if-not-exists']);
    expect(log2.stdout.toString().trim()).to.equal(log1);
    const dupLog = await cli(['create-log', '--log-group-id', first, '--display-name', 'l']);
    expect(dupLog.code).to.equal(4);
    expect(dupLog.stderr).to.contain(log1);
    const noWait = await cli(['create-log-group', '--display-name', 'nowait', '--no-wait']);
    expect(noWait.stdout.toString().trim()).to.match(/^ocid1\.logworkrequest\./);
  });

  it('pages past 1000 results and splits a 20-day range into windows', async () => {
    const group = await emu.createLogGroup('paging');
    const logId = await emu.createLog(group, 'many');
    const lines = Array.from({ length: 2500 }, (_, i) => `entry ${String(i).padStart(4, '0')}`);
    expect((await cli(['--log-ocid', logId], lines.join('\n'))).code).to.equal(0);
    const old = Date.now() - 18 * 86_400_000;
    const file = join(tempDir(), 'old.jsonl');
    writeFileSync(file, JSON.stringify({ data: 'from 18 days ago', id: 'old-1', time: new Date(old).toISOString(), source: 's', type: 't', logId }) + '\n');
    expect((await cli(['replay', file])).code).to.equal(0);

    const before = (await emu.stats()).requests['search'] ?? 0;
    const all = await cli(['query', '--log-ocid', logId, '--log-group-id', group, '--since', '20d', '--limit', '3000']);
    expect(all.code, all.stderr).to.equal(0);
    const got = all.stdout.toString().trim().split('\n').map((l) => l.split(' - ')[1]);
    expect(got).to.deep.equal(['from 18 days ago', ...lines]);
    expect(((await emu.stats()).requests['search'] ?? 0) - before).to.equal(4); // 3 pages in the newest window, 1 in the older

    const newest = await cli(['query', '--log-ocid', logId, '--log-group-id', group, '--limit', '1500']);
    expect(newest.stdout.toString().trim().split('\n').map((l) => l.split(' - ')[1])).to.deep.equal(lines.slice(1000));
  });

  it('--follow prints entries that arrive while it runs, each once, and ends on SIGINT with exit 0', async () => {
    const group = await emu.createLogGroup('follow');
    const logId = await emu.createLog(group, 'tail');
    expect((await cli(['--log-ocid', logId], 'before follow\n')).code).to.equal(0);
    const searches = async () => (await emu.stats()).requests['search'] ?? 0;
    // Its pauses between polls end at once: it polls as fast as the emulator answers.
    const clock = instantClock();
    const f = startMain(['query', '--log-ocid', logId, '--follow', '--interval', '300ms'], { env: emu.env, clock });
    await f.waitFor('stdout', 'before follow');
    expect((await cli(['--log-ocid', logId], 'during follow 1\nduring follow 2\n')).code).to.equal(0);
    await f.waitFor('stdout', 'during follow 2');
    const polled = await searches();
    await eventually(async () => (await searches()) >= polled + 3); // three more polls over the same window
    f.signal('SIGINT');
    const { code, stdout, stderr } = await f.done;
    expect(code, stderr).to.equal(0);
    const printed = stdout.toString().trim().split('\n').map((l) => l.split(' - ')[1]);
    expect(printed).to.deep.equal(['before follow', 'during follow 1', 'during follow 2']);
    expect(new Set(clock.slept)).to.deep.equal(new Set([300]));
  });

  it('gives clear errors: bad retention and durations exit 2, unknown OCIDs exit 4', async () => {
    const creates = (await emu.stats()).requests['createLog'] ?? 0;
    const r1 = await cli(['create-log', '--log-group-id', 'ocid1.loggroup.oc1.iad.x', '--display-name', 'x', '--retention-duration', '45']);
    expect(r1.code).to.equal(2);
    expect(r1.stderr).to.contain('--retention-duration 45');
    expect((await emu.stats()).requests['createLog'] ?? 0, 'checked before any call').to.equal(creates);
    const r2 = await cli(['query', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaax', '--since', '3 days']);
    expect(r2.code).to.equal(2);
    expect(r2.stderr).to.contain('--since 3 days');
    const r3 = await cli(['query', '--log-ocid', 'ocid1.log.oc1.iad.amaaaaaaunknown']);
    expect(r3.code).to.equal(4);
    expect(r3.stderr).to.contain('log ocid1.log.oc1.iad.amaaaaaaunknown not found');
    const r4 = await cli(['list-logs', '--log-group-id', 'ocid1.loggroup.oc1.iad.amaaaaaaunknown']);
    expect(r4.code).to.equal(4);
    expect(r4.stderr).to.match(/404 NotAuthorizedOrNotFound.*opc-request-id/);
    const r5 = await cli(['create-log', '--display-name', 'x']);
    expect(r5.code).to.equal(2);
  });
});

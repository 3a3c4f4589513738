import { expect } from 'chai';
import { instantClock } from '../helpers/clock.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';

/** The management and query commands when the service throttles, fails or stalls. */
describe('management and query commands under faults', function () {
  let emu: TestEmulator;
  const cli = (args: string[], input?: string) => runMain(args, { env: emu.env, clock: instantClock(), ...(input === undefined ? {} : { stdin: input }) });
  const requests = async (op: string) => (await emu.stats()).requests[op] ?? 0;
  before(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => emu.clearFaults());
  after(async () => emu.stop());

  it('rides out 429s (honouring Retry-After) and 5xx, with nothing from the SDK on stderr or the console', async () => {
    const group = await emu.createLogGroup('throttled');
    const logId = await emu.createLog(group, 'l');
    expect((await cli(['--log-ocid', logId], 'one\ntwo\n')).code).to.equal(0);
    const before = await requests('search');
    await emu.injectFault({ op: 'search', status: 429, count: 1, retryAfterSeconds: 0 });
    await emu.injectFault({ op: 'search', status: 503, count: 1, retryAfterSeconds: 0 });
    const r = await cli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.console, 'the SDK prints a console.warn line for each failed call unless oci-log mutes it').to.equal('');
    expect(r.stdout.toString()).to.match(/ - one\n.* - two\n$/);
    expect((await requests('search')) - before).to.equal(3);
  });

  it('retries a failed create and a failed work-request read, creating one group', async () => {
    await emu.injectFault({ op: 'createLogGroup', status: 500, count: 1 });
    await emu.injectFault({ op: 'getWorkRequest', status: 502, count: 1 });
    const r = await cli(['create-log-group', '--display-name', 'bumpy']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.console).to.equal('');
    const groups = JSON.parse((await cli(['list-log-groups', '--output', 'json'])).stdout.toString()) as Array<{ id: string; displayName: string }>;
    expect(groups.filter((g) => g.displayName === 'bumpy').map((g) => g.id)).to.deep.equal([r.stdout.toString().trim()]);
  });

  it('a refusal is one line on stderr: status, service code, what was asked, opc-request-id; exit 4', async () => {
    await emu.injectFault({ op: 'listLogGroups', status: 401, count: 1 });
    const r = await cli(['list-log-groups']);
    expect(r.code).to.equal(4);
    expect(r.stdout.toString()).to.equal('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(/^oci-log: listing log groups in ocid1\.tenancy\.\S+ failed: 401 NotAuthenticated.*opc-request-id .*key_file/);
  });

  it('--grep finds text with quotes and backslashes exactly', async () => {
    const group = await emu.createLogGroup('escapes');
    const logId = await emu.createLog(group, 'l');
    expect((await cli(['--log-ocid', logId], "path C:\\temp\\x\nit's here\nplain\n")).code).to.equal(0);
    const q = (grep: string) => cli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy, '--grep', grep, '--output', 'jsonl']);
    const data = async (grep: string) => (await q(grep)).stdout.toString().trim().split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { data: string }).data);
    expect(await data('C:\\temp')).to.deep.equal(['path C:\\temp\\x']);
    expect(await data("it's")).to.deep.equal(["it's here"]);
    expect(await data("'")).to.deep.equal(["it's here"]);
  });

  it('refuses contradictory query flags before any call (exit 2)', async () => {
    const before = await requests('listLogGroups');
    for (const args of [
      ['--query', 'search "x"', '--grep', 'a'],
      ['--follow', '--output', 'json'],
      ['--limit', '0'],
      ['--since', '1h', '--until', '2h'],
      ['--since', 'tomorrow'],
    ]) {
      const r = await cli(['query', '--log-ocid', 'ocid1.log.oc1.iad.x', ...args]);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(/^oci-log: --/);
    }
    expect(await requests('listLogGroups')).to.equal(before);
  });
});

import { expect } from 'chai';
import { eventually, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';

/** The management and query commands when the service throttles, fails or stalls. */
describe('management and query commands under faults', function () {
  let emu: TestEmulator;
  const cli = (args: string[], input?: string) => runCli(args, { env: emu.env, ...(input === undefined ? {} : { input }) });
  const requests = async (op: string) => (await emu.stats()).requests[op] ?? 0;
  before(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => emu.clearFaults());
  after(async () => emu.stop());

  it('rides out 429s (honouring Retry-After) and 5xx, with nothing from the SDK on stderr', async () => {
    const group = await emu.createLogGroup('throttled');
    const logId = await emu.createLog(group, 'l');
    expect((await cli(['--log-ocid', logId], 'one\ntwo\n')).code).to.equal(0);
    const before = await requests('search');
    await emu.injectFault({ op: 'search', status: 429, count: 1, retryAfterSeconds: 0 });
    await emu.injectFault({ op: 'search', status: 503, count: 1, retryAfterSeconds: 0 });
    const r = await cli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout.toString()).to.match(/ - one\n.* - two\n$/);
    expect((await requests('search')) - before).to.equal(3);
  });

  it('retries a failed create and a failed work-request read, creating one group', async () => {
    await emu.injectFault({ op: 'createLogGroup', status: 500, count: 1 });
    await emu.injectFault({ op: 'getWorkRequest', status: 502, count: 1 });
    const r = await cli(['create-log-group', '--display-name', 'bumpy']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
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

  it('--follow ends at once on Ctrl-C even while a search gets no answer, exit 0', async () => {
    const group = await emu.createLogGroup('stalled');
    const logId = await emu.createLog(group, 'l');
    expect((await cli(['--log-ocid', logId], 'first\n')).code).to.equal(0);
    const f = spawnCli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy, '-f', '--interval', '0.2'], { env: emu.env });
    await eventually(() => f.stdout().toString().includes('first'));
    const searches = await requests('search');
    await emu.injectFault({ op: 'search', kind: 'stall', count: 100 });
    await eventually(async () => (await requests('search')) > searches);
    await new Promise((r) => setTimeout(r, 500)); // polls every 0.2 s: by now one is stalled
    f.child.kill('SIGINT');
    const { code, signal } = await f.exited;
    expect({ code, signal }, f.stderr()).to.deep.equal({ code: 0, signal: null });
    expect(f.stdout().toString().trim().split('\n')).to.have.length(1);
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

describe('--follow with the SDK circuit breaker left to its default', function () {
  it('keeps reaching the service through a burst of failures (no breaker refuses calls)', async () => {
    const emu = await startEmulator();
    try {
      // no OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED=false: oci-log must turn its breakers off itself
      const env = { ...emu.env, OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: undefined };
      const group = await emu.createLogGroup('breaker');
      const logId = await emu.createLog(group, 'l');
      expect((await runCli(['--log-ocid', logId], { env, input: 'first\n' })).code).to.equal(0);
      const f = spawnCli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy, '-f', '--interval', '0.2'], { env });
      await eventually(() => f.stdout().toString().includes('first'));
      const before = (await emu.stats()).requests['search'] ?? 0;
      await emu.injectFault({ op: 'search', status: 503, count: 14, retryAfterSeconds: 0 });
      expect((await runCli(['--log-ocid', logId], { env, input: 'second\n' })).code).to.equal(0);
      // an open breaker would refuse every call for 30 s without touching the network
      await eventually(() => f.stdout().toString().includes('second'));
      f.child.kill('SIGINT');
      expect((await f.exited).code, f.stderr()).to.equal(0);
      expect(((await emu.stats()).requests['search'] ?? 0) - before).to.be.at.least(15);
      expect(f.stderr()).to.match(/^oci-log: searching logs .* failed: 503 .*\(still following\)$/m);
      expect(f.stderr()).to.not.match(/Request cannot be retried|EOPENBREAKER/);
    } finally {
      await emu.stop();
    }
  });
});

describe('--follow when its reader goes away', function () {
  it('ends by itself (exit 0) once stdout is closed, as in oci-log query -f | head -1', async () => {
    const emu = await startEmulator();
    try {
      const group = await emu.createLogGroup('reader');
      const logId = await emu.createLog(group, 'l');
      expect((await runCli(['--log-ocid', logId], { env: emu.env, input: 'first\n' })).code).to.equal(0);
      const f = spawnCli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy, '-f', '--interval', '0.2'], { env: emu.env });
      await eventually(() => f.stdout().toString().includes('first'));
      f.child.stdout.destroy();
      expect((await runCli(['--log-ocid', logId], { env: emu.env, input: 'second\n' })).code).to.equal(0);
      const { code, signal } = await f.exited;
      expect({ code, signal }, f.stderr()).to.deep.equal({ code: 0, signal: null });
    } finally {
      await emu.stop();
    }
  });
});

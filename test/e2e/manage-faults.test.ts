import { expect } from 'chai';
import { eventually, spawnCli } from '../helpers/cli.js';
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

/**
 * What only a real process shows: a real SIGINT, the process's own
 * environment read by the SDK, a real pipe closed by its reader, and that
 * the process then exits by itself with status 0.
 */
describe('--follow as a process', function () {
  let emu: TestEmulator;
  let group: string;
  let logId: string;
  let n = 0;
  before(async () => {
    emu = await startEmulator();
    group = await emu.createLogGroup('follow');
  });
  beforeEach(async () => {
    logId = await emu.createLog(group, `l${++n}`);
    expect((await runMain(['--log-ocid', logId], { env: emu.env, stdin: 'first\n' })).code).to.equal(0);
  });
  afterEach(async () => emu.clearFaults());
  after(async () => emu.stop());
  const follow = (env: Record<string, string | undefined>) =>
    spawnCli(['query', '--log-ocid', logId, '--log-group-id', group, '--compartment-id', emu.tenancy, '-f', '--interval', '200ms'], { env });

  it('ends at once on Ctrl-C while a search it sent gets no answer, and exits 0', async () => {
    const f = follow(emu.env);
    await eventually(() => f.stdout().toString().includes('first'));
    await emu.injectFault({ op: 'search', kind: 'stall', count: 100 });
    // The next poll's search takes a stall: one fewer is left, and that request never gets an answer.
    await eventually(async () => (await emu.pendingFaults())[0]?.remaining === 99);
    f.child.kill('SIGINT');
    const { code, signal } = await f.exited;
    expect({ code, signal }, f.stderr()).to.deep.equal({ code: 0, signal: null });
    expect(f.stdout().toString().trim().split('\n')).to.have.length(1);
    expect((await emu.pendingFaults())[0]?.remaining, 'no search after the stalled one').to.equal(99);
  });

  it('keeps reaching the service through a burst of failures with the SDK circuit breaker left to its default', async () => {
    // no OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED=false: oci-log must turn its breakers off itself
    const f = follow({ ...emu.env, OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: undefined });
    await eventually(() => f.stdout().toString().includes('first'));
    const before = (await emu.stats()).requests['search'] ?? 0;
    await emu.injectFault({ op: 'search', status: 503, count: 14, retryAfterSeconds: 0 });
    expect((await runMain(['--log-ocid', logId], { env: emu.env, stdin: 'second\n' })).code).to.equal(0);
    // an open breaker would refuse every call for 30 s without touching the network
    await eventually(() => f.stdout().toString().includes('second'));
    f.child.kill('SIGINT');
    expect((await f.exited).code, f.stderr()).to.equal(0);
    expect(((await emu.stats()).requests['search'] ?? 0) - before).to.be.at.least(15);
    expect(f.stderr()).to.match(/^oci-log: searching logs .* failed: 503 .*\(still following\)$/m);
    expect(f.stderr()).to.not.match(/Request cannot be retried|EOPENBREAKER/);
  });

  it('ends by itself (exit 0) once its stdout is closed, as in oci-log query -f | head -1', async () => {
    const f = follow(emu.env);
    await eventually(() => f.stdout().toString().includes('first'));
    f.child.stdout.destroy();
    expect((await runMain(['--log-ocid', logId], { env: emu.env, stdin: 'second\n' })).code).to.equal(0);
    const { code, signal } = await f.exited;
    expect({ code, signal }, f.stderr()).to.deep.equal({ code: 0, signal: null });
  });
});

import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { eventually, spawnCli } from '../helpers/cli.js';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import { tempDir } from '../helpers/temp-dir.js';

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
  afterEach(async () => {
    await emu.clearFaults();
    await emu.setLatency(0);
  });
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
    // Ten failures open the SDK's breaker (it then refuses every call for 30 s): an eleventh proves it stayed shut.
    await emu.injectFault({ op: 'search', status: 503, count: 11, retryAfterSeconds: 0 });
    expect((await runMain(['--log-ocid', logId], { env: emu.env, stdin: 'second\n' })).code).to.equal(0);
    // an open breaker would refuse every call for 30 s without touching the network
    await eventually(() => f.stdout().toString().includes('second'));
    f.child.kill('SIGINT');
    expect((await f.exited).code, f.stderr()).to.equal(0);
    expect(((await emu.stats()).requests['search'] ?? 0) - before).to.be.at.least(12);
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

  it('a query without --follow that SIGTERM cuts short removes its temporary file of entries and exits 143', async () => {
    const big = await emu.createLog(group, `big${++n}`);
    const line = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(400) });
    const input = Array.from({ length: 12_000 }, (_, i) => line(i)).join('\n') + '\n';
    expect((await runMain(['--log-ocid', big], { env: emu.env, stdin: input })).code).to.equal(0);
    const tmp = tempDir();
    await emu.setLatency(150); // a page at a time, so the search is still going when the file appears
    const q = spawnCli(['query', '--log-ocid', big, '--log-group-id', group, '--compartment-id', emu.tenancy, '--limit', '100000', '--output', 'jsonl'], { env: { ...emu.env, TMPDIR: tmp } });
    // past 1 MB the entries go to a file; then the next page never comes
    await eventually(() => readdirSync(tmp).some((f) => f.startsWith('oci-log-query-')));
    await emu.injectFault({ op: 'search', kind: 'stall', count: 100 });
    await eventually(async () => (await emu.pendingFaults())[0]?.remaining === 99);
    q.child.kill('SIGTERM');
    const { code, signal } = await q.exited;
    expect({ code, signal }, q.stderr()).to.deep.equal({ code: 143, signal: null });
    expect(readdirSync(tmp)).to.deep.equal([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { EXIT_STATUSES, ExitCode } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import { runMain } from '../helpers/run-main.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('cli basics', () => {
  it('--version prints the package version on stdout', async () => {
    const r = await runMain(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.toString()).to.equal(`${pkg.version}\n`);
    expect(VERSION).to.equal(pkg.version);
  });

  it('--help lists usage and the exit statuses on stdout, as wide as the terminal up to 100 columns', async () => {
    const r = await runMain(['--help'], { columns: 60 });
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
    const help = r.stdout.toString();
    expect(help).to.match(/^Usage: oci-log/).and.to.match(/Exit status: 0 done; 1 internal error; 2 usage/);
    expect(Math.max(...help.split('\n').map((l) => l.length))).to.be.within(50, 60);
    const wide = (await runMain(['--help'], { columns: 300 })).stdout.toString();
    expect(Math.max(...wide.split('\n').map((l) => l.length))).to.be.within(90, 100);
  });

  it('exit status 3 names every way a line can end up undelivered', async () => {
    const status3 = EXIT_STATUSES.find((s) => s.status === ExitCode.undelivered);
    for (const way of ['spool', 'dead-letter', '--when-full', 'another oci-log process', 'replay']) expect(status3?.description).to.contain(way);
    const help = (await runMain(['--help'])).stdout.toString();
    expect(help).to.contain('3 some lines not delivered;');
  });

  it('an unknown flag is a one-line usage error with exit 2', async () => {
    const r = await runMain(['--no-such-flag', 'x']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^oci-log: oci-log send has no option --no-such-flag; x is not an oci-log command/);
    expect(r.stderr.split('\n').filter(Boolean)).to.have.lengthOf(2);
    expect(r.stdout.length).to.equal(0);
  });

  it('a bad number or duration quotes what was typed and names the flag typed, before anything is read or sent (exit 2)', async () => {
    const cases: Array<[string[], string]> = [
      [['query', '--log-ocid', 'ocid1.log.oc1.iad.x', '--limit', 'abc'], '--limit abc: expected a whole number from 1 to 1000000'],
      [['send', '--log-ocid', 'ocid1.log.oc1.iad.x', '--flush-interval', '2x'], '--flush-interval 2x: expected a duration such as 250ms, 30s, 5m or 2h (a bare number is milliseconds)'],
      [['--log-ocid', 'ocid1.log.oc1.iad.x', '--request-timeout', '2h'], '--request-timeout 2h: must be from 1s to 1h'],
      [['query', '--log-ocid', 'ocid1.log.oc1.iad.x', '--interval', '0.1'], '--interval 0.1: must be from 200ms to 1h'],
      [['exec', '--log-ocid', 'ocid1.log.oc1.iad.x', '--kill-after', 'soon', '--', 'true'], '--kill-after soon: expected a duration'],
      [['exec', '--log-ocid', 'ocid1.log.oc1.iad.x', '--timeout', '25d', '--', 'true'], '--timeout 25d: must be from 1ms to 24d'],
      [['exec', '--log-ocid', 'ocid1.log.oc1.iad.x', '--kill-after', '30d', '--', 'true'], '--kill-after 30d: must be from 0s to 24d'],
      [['emulator', '--ingest-delay', '-5'], '--ingest-delay -5: expected a duration'],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(args, { stdin: 'never read\n' });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.satisfy((s: string) => s.startsWith(`oci-log: ${message}`));
    }
  });

  it('a flag given without its value is a usage error naming the flag (exit 2), not an internal error', async () => {
    for (const args of [['--redact'], ['--redact', '--log-ocid', 'ocid1.log.oc1.iad.x'], ['exec', '--log-ocid', 'ocid1.log.oc1.iad.x', '--redact', '--', 'true']]) {
      const r = await runMain(args, { stdin: 'never read\n' });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.equal("oci-log: --redact needs a value: --redact secrets|REGEX\nTry 'oci-log --help' for usage.\n");
    }
  });

  it("send has no --timeout: that name is exec's deadline, and one flag name means one thing", async () => {
    const r = await runMain(['--log-ocid', 'ocid1.log.oc1.iad.x', '--timeout', '10m']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^oci-log: oci-log send has no option --timeout \(it is an option of oci-log exec\); did you mean [^\n]*--request-timeout[^\n]*\?\n/);
  });
});

describe('the CLI layer and the process', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const cliFiles = files(join(root, 'src', 'cli')).map((f) => relative(root, f));

  it('nothing in src/cli reads process.* but main.ts, which builds the io', () => {
    // The scan must see the real folder: the command modules among them.
    expect(cliFiles).to.include.members(['src/cli/main.ts', 'src/cli/commands/emulator.ts', 'src/cli/commands/replay.ts', 'src/cli/commands/send-run.ts']);
    const readers = cliFiles.filter((f) => f !== 'src/cli/main.ts' && /\bprocess\.[a-z]/.test(readFileSync(join(root, f), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')));
    expect(readers).to.deep.equal([]);
  });
});

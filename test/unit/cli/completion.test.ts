import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN } from '../../helpers/cli.js';
import { runMain } from '../../helpers/run-main.js';
import { tempDir } from '../../helpers/temp-dir.js';

const complete = async (words: string[], env: Record<string, string> = {}) => {
  const r = await runMain(['__complete', '--', ...words], { env });
  expect(r.code, r.stderr).to.equal(0);
  return r.stdout.toString().split('\n').filter(Boolean);
};

describe('shell completion', () => {
  it('oci-log completion bash prints a script bash reads, which asks oci-log itself', async () => {
    const r = await runMain(['completion', 'bash']);
    expect(r.code).to.equal(0);
    const script = r.stdout.toString();
    expect(script).to.contain('complete -o default -F _oci_log oci-log').and.contain('oci-log __complete -- ');
    const syntax = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).to.equal(0);
    for (const shell of ['zsh', 'fish']) expect((await runMain(['completion', shell])).stdout.toString()).to.contain('__complete');
    const bad = await runMain(['completion', 'tcsh']);
    expect(bad.code).to.equal(2);
  });

  it('completes commands, options, choices and cached log names, and leaves file names to the shell', async () => {
    expect(await complete(['qu'])).to.deep.equal(['query']);
    expect(await complete(['list-'])).to.deep.equal(['list-log-groups', 'list-logs']);
    expect(await complete(['query', '--fo'])).to.deep.equal(['--follow']);
    expect(await complete(['query', '--output', ''])).to.deep.equal(['json', 'jsonl', 'raw', 'text']);
    expect(await complete(['--when-full', 'd'])).to.deep.equal(['drop-newest', 'drop-oldest']);
    expect(await complete(['completion', ''])).to.deep.equal(['bash', 'fish', 'zsh']);
    expect(await complete(['--dead-letter', ''])).to.deep.equal([]);
    expect(await complete(['exec', '--', 'ba'])).to.deep.equal([]);
    const cache = tempDir('oci-log-cache-');
    mkdirSync(join(cache, 'oci-log'));
    const entry = { logId: 'ocid1.log.x', logGroupId: 'ocid1.loggroup.x', compartmentId: 'ocid1.tenancy.x', at: 1 };
    writeFileSync(join(cache, 'oci-log', 'names.json'), JSON.stringify({ version: 1, names: { 'u|t * app/web': entry, 'u|t * app/worker': entry, 'u|t * jobs/nightly': entry }, ocids: {} }));
    expect(await complete(['query', '--log', 'app/'], { XDG_CACHE_HOME: cache })).to.deep.equal(['app/web', 'app/worker']);
    expect(await complete(['--log', ''], { XDG_CACHE_HOME: cache })).to.deep.equal(['app/web', 'app/worker', 'jobs/nightly']);
    expect(await complete(['list-logs', '--log-group', ''], { XDG_CACHE_HOME: cache })).to.deep.equal(['app', 'jobs']);
  });

  it('works in bash as bash calls it', function () {
    this.timeout(20_000);
    const script = spawnSync(process.execPath, [BIN, 'completion', 'bash'], { encoding: 'utf8' }).stdout;
    const run = [`oci-log() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }`, script, 'COMP_WORDS=(oci-log query --out); COMP_CWORD=2; _oci_log; printf "%s\\n" "${COMPREPLY[@]}"'].join('\n');
    const r = spawnSync('bash', ['-c', run], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: tempDir() } });
    expect(r.stdout.trim(), r.stderr).to.equal('--output');
  });
});

import { EventEmitter } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { childExitStatus, runChild } from '../../../../src/core/exec/run-child.js';
import type { ChildOutcome, RunChildOptions, StreamName } from '../../../../src/core/exec/run-child.js';
import { tempDir } from '../../../helpers/temp-dir.js';

interface Collected {
  outcome: ChildOutcome;
  output: Record<StreamName, string>;
  order: StreamName[];
}

function run(command: string, args: string[], extra: Partial<RunChildOptions> = {}): Promise<Collected> {
  const output: Record<StreamName, string> = { stdout: '', stderr: '' };
  const order: StreamName[] = [];
  return runChild({
    command,
    args,
    env: { PATH: process.env['PATH'] },
    stdin: 'ignore',
    killGraceMs: 2000,
    signals: new EventEmitter(),
    onOutput: (stream, chunk) => {
      output[stream] += chunk.toString('utf8');
      order.push(stream);
      return undefined;
    },
    ...extra,
  }).then((outcome) => ({ outcome, output, order }));
}

const node = process.execPath;

describe('runChild', () => {
  it('collects stdout and stderr separately and passes the exit code on', async () => {
    const { outcome, output } = await run(node, ['-e', 'console.log("out"); console.error("err"); process.exit(3)']);
    expect(output).to.deep.equal({ stdout: 'out\n', stderr: 'err\n' });
    expect(outcome.exitCode).to.equal(3);
    expect(childExitStatus(outcome)).to.equal(3);
    expect(outcome.pid).to.be.a('number');
  });

  it('passes arguments as given, with no shell in between', async () => {
    const { output } = await run(node, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$HOME', 'a b', '*']);
    expect(JSON.parse(output.stdout)).to.deep.equal(['$HOME', 'a b', '*']);
  });

  it('reports death by signal as 128+N', async () => {
    const { outcome } = await run(node, ['-e', 'process.kill(process.pid, "SIGKILL")']);
    expect(outcome.signal).to.equal('SIGKILL');
    expect(childExitStatus(outcome)).to.equal(137);
  });

  it('reports a missing command as 127 and a non-executable file as 126', async () => {
    const missing = await run('oci-log-no-such-command-xyz', []);
    expect(missing.outcome.spawnError?.code).to.equal('ENOENT');
    expect(childExitStatus(missing.outcome)).to.equal(127);

    const dir = tempDir('oci-log-exec-');
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    const denied = await run(file, []);
    expect(denied.outcome.spawnError?.code).to.equal('EACCES');
    expect(childExitStatus(denied.outcome)).to.equal(126);
  });

  it('ends a hung child on timeout with TERM, and with KILL when TERM is ignored', async () => {
    const polite = await run(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 });
    expect(polite.outcome.timedOut).to.equal(true);
    expect(polite.outcome.signal).to.equal('SIGTERM');

    const stubborn = await run(
      node,
      ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setTimeout(() => {}, 60000)'],
      { timeoutMs: 300, killGraceMs: 200 },
    );
    expect(stubborn.outcome.timedOut).to.equal(true);
    expect(stubborn.outcome.signal).to.equal('SIGKILL');
  });

  it('forwards SIGTERM to the child, which may still finish its output', async () => {
    const signals = new EventEmitter();
    const script = 'process.on("SIGTERM", () => { console.log("got TERM"); process.exit(5) }); console.log("ready"); setTimeout(() => {}, 60000)';
    const result = await run(node, ['-e', script], {
      signals,
      onOutput: (_stream, chunk) => {
        if (chunk.toString().includes('ready')) signals.emit('SIGTERM');
        return undefined;
      },
    });
    expect(result.outcome.forwardedSignals).to.deep.equal(['SIGTERM']);
    expect(result.outcome.exitCode).to.equal(5);
    expect(signals.listenerCount('SIGTERM'), 'listeners removed').to.equal(0);
  });

  it('pauses the child while the consumer applies backpressure, and loses nothing', async () => {
    let waits = 0;
    let received = 0;
    const outcome = await runChild({
      command: node,
      args: ['-e', 'const s = "x".repeat(1023) + "\\n"; for (let i = 0; i < 4096; i++) process.stdout.write(s)'],
      env: { PATH: process.env['PATH'] },
      stdin: 'ignore',
      killGraceMs: 2000,
      signals: new EventEmitter(),
      onOutput: (_stream, chunk) => {
        received += chunk.length;
        waits += 1;
        return new Promise((r) => setTimeout(r, 1));
      },
    });
    expect(outcome.exitCode).to.equal(0);
    expect(received).to.equal(4096 * 1024);
    expect(waits).to.be.greaterThan(1);
  });
});

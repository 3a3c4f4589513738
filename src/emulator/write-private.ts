import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a 0600 file in one step, as readers see it: a temporary file beside
 * it, then renamed over it. (The emulator keeps its own copy of this: it
 * shares no code with the client, src/core/write-atomic.ts.)
 */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

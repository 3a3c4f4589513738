import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` in one step, as readers see it: into a temporary
 * file beside it (0600), then renamed over it, so a reader finds the old
 * content or the new, never a part. Makes the folder (0700) when missing.
 * `owner` (a pid) names the temporary file, so two writers never share one.
 */
export function writeFileAtomic(path: string, text: string, owner: number = process.pid): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${owner}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

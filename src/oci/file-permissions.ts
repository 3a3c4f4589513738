import { stat } from 'node:fs/promises';
import { platform } from 'node:os';

/** The variable the OCI CLI reads to keep quiet about open permissions; oci-log honours it too. */
export const SUPPRESS_PERMISSIONS_WARNING = 'OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING';

/**
 * Warns, as the OCI CLI does, when a config, key or token file can be read
 * or written by its group or by others. Silent on Windows (no such mode
 * bits), when the variable is set, and when the file cannot be examined
 * (reading it reports that).
 */
export async function warnIfOpen(file: string, env: Readonly<Record<string, string | undefined>>, warn: ((message: string) => void) | undefined): Promise<void> {
  if (warn === undefined || platform() === 'win32') return;
  const suppress = (env[SUPPRESS_PERMISSIONS_WARNING] ?? '').trim().toLowerCase();
  if (suppress !== '' && suppress !== 'false' && suppress !== '0' && suppress !== 'no') return;
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch {
    return;
  }
  if ((mode & 0o077) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  warn(`permissions on ${file} are too open (${octal}): other users can read it; run chmod 600 ${file} (${SUPPRESS_PERMISSIONS_WARNING}=True silences this)`);
}

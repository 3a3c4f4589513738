import { homedir } from 'node:os';
import { join } from 'node:path';

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log: where oci-log keeps dead-letter files and the emulator's identity. */
export function stateHome(env: Record<string, string | undefined>): string {
  return join(env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state'), 'oci-log');
}

import { ServiceError } from '../errors.js';
import { waitForWorkRequest } from '../oci/log-management.js';
import type { Resource } from '../oci/log-management.js';
import { callService } from '../oci/sdk-clients.js';
import type { CliIo } from './io.js';
import type { ServiceContext } from './service-context.js';
import { startSpinner } from './spinner.js';

export interface CreateSpec {
  /** "log group web in ocid1.tenancy…", for messages. */
  what: string;
  /** "a log group named web already exists in …" */
  duplicate: string;
  ifNotExists: boolean;
  wait: boolean;
  quiet: boolean;
  findExisting(): Promise<Resource | undefined>;
  create(): Promise<{ opcWorkRequestId: string }>;
}

/**
 * The create commands' shared rules: --if-not-exists prints an existing
 * OCID; a duplicate otherwise fails naming the existing OCID; --no-wait
 * prints the work request; else wait for SUCCEEDED and print the new OCID.
 */
export async function createResource(io: CliIo, ctx: ServiceContext, spec: CreateSpec): Promise<void> {
  if (spec.ifNotExists) {
    const found = await spec.findExisting();
    if (found) {
      io.stdout.write(`${found.id}\n`);
      return;
    }
  }
  const what = `creating ${spec.what}`;
  let workRequestId: string;
  try {
    workRequestId = (await callService(what, () => spec.create())).opcWorkRequestId;
  } catch (err) {
    if (err instanceof ServiceError && err.status === 409) {
      const found = await spec.findExisting();
      if (found && spec.ifNotExists) {
        io.stdout.write(`${found.id}\n`);
        return;
      }
      if (found) throw new ServiceError(`${spec.duplicate}: ${found.id} (use --if-not-exists to reuse it)`, err);
    }
    throw err;
  }
  if (!spec.wait) {
    io.stdout.write(`${workRequestId}\n`);
    return;
  }
  const spinner = await startSpinner(io, `waiting for work request ${workRequestId}`, spec.quiet);
  try {
    io.stdout.write(`${await waitForWorkRequest(ctx.clients, workRequestId, what)}\n`);
  } finally {
    spinner.stop();
  }
}

import { randomUUID } from 'node:crypto';
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
  /**
   * Sends the create request. `retryToken` is one token for every attempt, so
   * that a retry after a lost answer cannot create a second resource.
   */
  create(retryToken: string): Promise<{ opcWorkRequestId: string }>;
}

/**
 * The create commands' shared rules. The name is looked up first: an existing
 * resource is printed with --if-not-exists, and is otherwise an error naming
 * its OCID (exit 4, the service-side conflict). A 409, or a failed work
 * request, is checked the same way (another writer may have won a race).
 * --no-wait prints the work request OCID; else wait for SUCCEEDED and print
 * the new OCID alone on stdout.
 */
export async function createResource(io: CliIo, ctx: ServiceContext, spec: CreateSpec): Promise<void> {
  const existing = async (cause?: unknown): Promise<boolean> => {
    const found = await spec.findExisting();
    if (!found) return false;
    if (!spec.ifNotExists) {
      throw new ServiceError(
        `${spec.duplicate}: ${found.id} (use --if-not-exists to reuse it)`,
        cause instanceof ServiceError ? cause : { status: 409, serviceCode: 'Conflict', serviceMessage: undefined, opcRequestId: undefined },
      );
    }
    io.stdout.write(`${found.id}\n`);
    return true;
  };
  if (await existing()) return;
  const what = `creating ${spec.what}`;
  const retryToken = randomUUID();
  let workRequestId: string;
  try {
    workRequestId = (await callService(what, () => spec.create(retryToken))).opcWorkRequestId;
  } catch (err) {
    if (err instanceof ServiceError && err.status === 409 && (await existing(err))) return;
    throw err;
  }
  if (!spec.wait) {
    io.stdout.write(`${workRequestId}\n`);
    return;
  }
  const spinner = await startSpinner(io, `waiting for work request ${workRequestId}`, spec.quiet);
  let created: string;
  try {
    created = await waitForWorkRequest(ctx.clients, workRequestId, what, { clock: io.clock });
  } catch (err) {
    if (err instanceof ServiceError && err.serviceCode === 'FAILED' && spec.ifNotExists && (await existing(err))) return;
    throw err;
  } finally {
    spinner.stop();
  }
  io.stdout.write(`${created}\n`);
}

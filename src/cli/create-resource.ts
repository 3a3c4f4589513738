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
  io.stdout.write(`${await ensureResource(io, ctx, spec)}\n`);
}

/**
 * createResource's rules without the printing: returns the OCID (of the
 * existing resource with ifNotExists, else of the new one; the work
 * request's with wait false). For --log GROUP/LOG --create.
 */
export async function ensureResource(io: CliIo, ctx: ServiceContext, spec: CreateSpec): Promise<string> {
  const existing = async (cause?: unknown): Promise<string | undefined> => {
    const found = await spec.findExisting();
    if (!found) return undefined;
    if (!spec.ifNotExists) {
      throw new ServiceError(
        `${spec.duplicate}: ${found.id} (use --if-not-exists to reuse it)`,
        cause instanceof ServiceError ? cause : { status: 409, serviceCode: 'Conflict', serviceMessage: undefined, opcRequestId: undefined },
      );
    }
    return found.id;
  };
  const before = await existing();
  if (before !== undefined) return before;
  const what = `creating ${spec.what}`;
  const retryToken = randomUUID();
  let workRequestId: string;
  try {
    workRequestId = (await callService(what, () => spec.create(retryToken))).opcWorkRequestId;
  } catch (err) {
    const raced = err instanceof ServiceError && err.status === 409 ? await existing(err) : undefined;
    if (raced !== undefined) return raced;
    throw err;
  }
  if (!spec.wait) return workRequestId;
  const spinner = await startSpinner(io, `waiting for work request ${workRequestId}`, spec.quiet);
  try {
    return await waitForWorkRequest(ctx.clients, workRequestId, what, { clock: io.clock });
  } catch (err) {
    const raced = err instanceof ServiceError && err.serviceCode === 'FAILED' && spec.ifNotExists ? await existing(err) : undefined;
    if (raced !== undefined) return raced;
    throw err;
  } finally {
    spinner.stop();
  }
}

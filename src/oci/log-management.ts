import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { isoTime } from '../core/query/entries.js';
import { ServiceError } from '../errors.js';
import type { SdkClients } from './sdk-clients.js';
import { callService } from './sdk-clients.js';

/** A log group or log as oci-log shows it (timeCreated as ISO-8601 with milliseconds and Z). */
export interface Resource {
  id: string;
  displayName: string;
  lifecycleState: string;
  timeCreated: string;
  compartmentId: string;
  logGroupId?: string;
}

function toResource(x: { id: string; displayName: string; lifecycleState?: string; timeCreated?: Date | string; compartmentId?: string; logGroupId?: string }): Resource {
  return {
    id: x.id,
    displayName: x.displayName,
    lifecycleState: x.lifecycleState ?? '',
    // a string on the wire whatever the SDK's type says
    timeCreated: isoTime(x.timeCreated instanceof Date ? x.timeCreated.getTime() : x.timeCreated) ?? '',
    compartmentId: x.compartmentId ?? '',
    ...(x.logGroupId === undefined ? {} : { logGroupId: x.logGroupId }),
  };
}

const POLL_MS = [200, 300, 500, 1000, 2000];

/**
 * Waits for a work request to finish and returns the OCID it created. The
 * SDK's waiter returns when a request finishes, not when it succeeds, so the
 * status is checked here; a failure quotes the work request's own errors.
 */
export async function waitForWorkRequest(
  clients: SdkClients,
  workRequestId: string,
  what: string,
  options: { timeoutMs?: number; clock?: Clock } = {},
): Promise<string> {
  const { timeoutMs = 10 * 60_000, clock = systemClock } = options;
  const client = await clients.management();
  const started = clock.now();
  for (let i = 0; ; i++) {
    const { workRequest } = await callService(`${what}: reading work request ${workRequestId}`, () => client.getWorkRequest({ workRequestId }));
    const status = String(workRequest.status);
    if (status === 'SUCCEEDED') {
      const created = workRequest.resources.find((r) => String(r.actionType) === 'CREATED') ?? workRequest.resources[0];
      if (!created?.identifier) throw new ServiceError(`${what}: work request ${workRequestId} succeeded but names no resource`, { status: undefined, serviceCode: undefined, serviceMessage: undefined, opcRequestId: undefined });
      return created.identifier;
    }
    if (status === 'FAILED' || status === 'CANCELED' || status === 'CANCELLING') {
      const errors = await callService(`${what}: reading errors of work request ${workRequestId}`, () => client.listWorkRequestErrors({ workRequestId })).then(
        (r) => r.items.map((e) => `${e.code}: ${e.message}`).join('; '),
        () => '',
      );
      throw new ServiceError(`${what} failed: work request ${workRequestId} ${status}${errors ? `: ${errors}` : ''}`, {
        status: undefined,
        serviceCode: status,
        serviceMessage: errors,
        opcRequestId: undefined,
      });
    }
    if (clock.now() - started > timeoutMs) {
      throw new ServiceError(`${what}: work request ${workRequestId} still ${status} after ${timeoutMs / 1000} s; check it with the OCI CLI`, {
        status: undefined,
        serviceCode: status,
        serviceMessage: undefined,
        opcRequestId: undefined,
      });
    }
    await clock.sleep(POLL_MS[Math.min(i, POLL_MS.length - 1)] ?? 2000);
  }
}

export async function listLogGroups(clients: SdkClients, compartmentId: string, options: { displayName?: string; subtree?: boolean } = {}): Promise<Resource[]> {
  const client = await clients.management();
  const out: Resource[] = [];
  let page: string | undefined;
  do {
    const r = await callService(`listing log groups in ${compartmentId}`, () =>
      client.listLogGroups({
        compartmentId,
        ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
        ...(options.subtree ? { isCompartmentIdInSubtree: true } : {}),
        limit: 1000,
        ...(page === undefined ? {} : { page }),
      }),
    );
    out.push(...r.items.map(toResource));
    page = r.opcNextPage;
  } while (page);
  return out;
}

export async function listLogs(clients: SdkClients, logGroupId: string, displayName?: string): Promise<Resource[]> {
  const client = await clients.management();
  const out: Resource[] = [];
  let page: string | undefined;
  do {
    const r = await callService(`listing logs of log group ${logGroupId}`, () =>
      client.listLogs({ logGroupId, ...(displayName === undefined ? {} : { displayName }), limit: 1000, ...(page === undefined ? {} : { page }) }),
    );
    out.push(...r.items.map((l) => toResource({ ...l, compartmentId: l.compartmentId ?? '' })));
    page = r.opcNextPage;
  } while (page);
  return out;
}

export async function getLogGroup(clients: SdkClients, logGroupId: string): Promise<Resource> {
  const client = await clients.management();
  const r = await callService(`reading log group ${logGroupId}`, () => client.getLogGroup({ logGroupId }));
  return toResource(r.logGroup);
}

export async function getLog(clients: SdkClients, logGroupId: string, logId: string): Promise<Resource> {
  const client = await clients.management();
  const r = await callService(`reading log ${logId}`, () => client.getLog({ logGroupId, logId }));
  return toResource({ ...r.log, compartmentId: r.log.compartmentId ?? '' });
}

/**
 * List calls under way at once when looking a log up in every group: a
 * tenancy of 50 groups at 200 ms a call is one round of lists (0.2 s, not 10);
 * a throttled call (429) is retried as any other.
 */
export const FIND_LOG_CONCURRENCY = 50;

/**
 * Finds a log's group and compartment from its OCID alone: lists the log
 * groups of the tenancy's whole subtree, then the logs of each group, up to
 * FIND_LOG_CONCURRENCY groups at a time, until found (calls not yet started
 * are then skipped).
 */
export async function findLog(clients: SdkClients, logId: string, tenancy: string, onProgress?: (checked: number, total: number) => void): Promise<{ log: Resource; group: Resource } | undefined> {
  const groups = await listLogGroups(clients, tenancy, { subtree: true });
  let next = 0;
  let checked = 0;
  let found: { log: Resource; group: Resource } | undefined;
  const worker = async (): Promise<void> => {
    while (found === undefined && next < groups.length) {
      const group = groups[next++] as Resource;
      const log = (await listLogs(clients, group.id)).find((l) => l.id === logId);
      onProgress?.(++checked, groups.length);
      if (log) found ??= { log, group };
    }
  };
  await Promise.all(Array.from({ length: Math.min(FIND_LOG_CONCURRENCY, groups.length) }, worker));
  return found;
}

import { HttpError, invalid, notFound, parseJsonBody } from '../http-error.js';
import type { Reply } from '../http-error.js';
import { pageOf, sorted } from '../list-paging.js';
import { newOcid } from '../ocid.js';
import type { LogGroupRecord, LogRecord, Store, WorkRequestRecord } from '../store.js';
import type { ApiHandlers } from './api-request.js';

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;

export interface ManagementContext {
  store: Store;
  now: () => number;
}

/** A compartment the request names: the tenancy or a compartment OCID. */
export function checkCompartment(store: Store, id: unknown, field = 'compartmentId'): string {
  if (typeof id !== 'string' || id === '') throw invalid(`${field}: required`);
  if (id === store.tenancy || id.startsWith('ocid1.compartment.')) return id;
  if (id.startsWith('ocid1.tenancy.')) throw new HttpError(404, 'NotAuthorizedOrNotFound', `${field}: tenancy ${id} not found (the emulator's tenancy is ${store.tenancy})`);
  throw invalid(`${field}: ${id.slice(0, 200)} is not a compartment OCID`);
}

/** The management API (log groups, logs, work requests) over the store. */
export function managementApi(ctx: ManagementContext): ApiHandlers {
  const { store } = ctx;

  const group = (id: string): LogGroupRecord => {
    const g = store.logGroups.get(id);
    if (!g) throw notFound(`log group ${id}`);
    return g;
  };

  const log = (groupId: string, logId: string): LogRecord => {
    const l = store.logs.get(logId);
    if (!l || l.logGroupId !== groupId) throw notFound(`log ${logId} in log group ${groupId}`);
    return l;
  };

  const workRequest = (op: WorkRequestRecord['operationType'], compartmentId: string, entityType: string, id: string, uri: string, action: string): Reply => {
    const now = new Date(ctx.now()).toISOString();
    const wr: WorkRequestRecord = {
      id: newOcid('logworkrequest'),
      operationType: op,
      status: 'SUCCEEDED',
      compartmentId,
      resources: [{ entityType, actionType: action, identifier: id, entityUri: uri }],
      percentComplete: 100,
      timeAccepted: now,
      timeStarted: now,
      timeFinished: now,
      reads: 0,
    };
    store.addWorkRequest(wr);
    return { status: 202, headers: { 'opc-work-request-id': wr.id } };
  };

  /**
   * Like the service, a work request is not done at once: its first read
   * answers ACCEPTED (resource IN_PROGRESS), later reads SUCCEEDED, so a
   * client that does not poll, or does not check the status, is caught.
   */
  const getWorkRequest = (id: string): Reply => {
    const wr = store.workRequests.get(id);
    if (!wr) throw notFound(`work request ${id}`);
    const { reads = 1, ...shown } = wr;
    store.markWorkRequestRead(id);
    if (reads > 0) return { status: 200, body: shown };
    const { timeStarted: _started, timeFinished: _finished, ...accepted } = shown;
    return {
      status: 200,
      body: { ...accepted, status: 'ACCEPTED', percentComplete: 0, resources: shown.resources.map((r) => ({ ...r, actionType: 'IN_PROGRESS' })) },
    };
  };

  return {
    createLogGroup: ({ body }) => {
      const b = parseJsonBody(body);
      const compartmentId = checkCompartment(store, b['compartmentId']);
      const name = b['displayName'];
      if (typeof name !== 'string' || !NAME_RE.test(name)) throw invalid('displayName: required; 1 to 100 letters, digits, hyphens, periods or underscores');
      if (b['description'] !== undefined && typeof b['description'] !== 'string') throw invalid('description: must be a string');
      const existing = [...store.logGroups.values()].find((g) => g.compartmentId === compartmentId && g.displayName === name);
      if (existing) throw new HttpError(409, 'Conflict', `a log group named ${name} already exists in this compartment: ${existing.id}`);
      const created = store.createLogGroup({
        compartmentId,
        displayName: name,
        ...(typeof b['description'] === 'string' ? { description: b['description'] } : {}),
      });
      return workRequest('CREATE_LOG_GROUP', compartmentId, 'loggroup', created.id, `/logGroups/${created.id}`, 'CREATED');
    },

    listLogGroups: ({ url }) => {
      const compartmentId = checkCompartment(store, url.searchParams.get('compartmentId') ?? undefined);
      const subtree = url.searchParams.get('isCompartmentIdInSubtree') === 'true';
      const name = url.searchParams.get('displayName');
      const groups = [...store.logGroups.values()].filter((g) => g.compartmentId === compartmentId || (subtree && compartmentId === store.tenancy));
      return pageOf(sorted(groups, url), url, 1000, 100, (g) => name === null || g.displayName === name);
    },

    getLogGroup: ({ params: [id = ''] }) => ({ status: 200, body: group(id), headers: { etag: id.slice(-12) } }),

    deleteLogGroup: ({ params: [id = ''] }) => {
      const g = group(id);
      const logs = store.logsOf(id);
      if (logs.length > 0) throw new HttpError(409, 'Conflict', `log group ${id} still has ${logs.length} log(s); delete them first`);
      store.deleteLogGroup(id);
      return workRequest('DELETE_LOG_GROUP', g.compartmentId, 'loggroup', id, `/logGroups/${id}`, 'DELETED');
    },

    createLog: ({ params: [groupId = ''], body }) => {
      const g = group(groupId);
      const b = parseJsonBody(body);
      const name = b['displayName'];
      if (typeof name !== 'string' || !NAME_RE.test(name)) throw invalid('displayName: required; 1 to 100 letters, digits, hyphens, periods or underscores');
      if (b['logType'] !== 'CUSTOM') {
        throw invalid(b['logType'] === 'SERVICE' ? 'logType: the emulator supports CUSTOM logs only' : 'logType: required, must be CUSTOM or SERVICE');
      }
      const retention = b['retentionDuration'] ?? 30;
      if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 30 || retention > 180 || retention % 30 !== 0) {
        throw invalid(`retentionDuration: must be 30 to 180 days in steps of 30, got ${JSON.stringify(retention)}`);
      }
      if (b['isEnabled'] !== undefined && typeof b['isEnabled'] !== 'boolean') throw invalid('isEnabled: must be true or false');
      const existing = store.logsOf(groupId).find((l) => l.displayName === name);
      if (existing) throw new HttpError(409, 'Conflict', `a log named ${name} already exists in log group ${groupId}: ${existing.id}`);
      const created = store.createLog(g, { displayName: name, logType: 'CUSTOM', isEnabled: b['isEnabled'] !== false, retentionDuration: retention });
      return workRequest('CREATE_LOG', g.compartmentId, 'log', created.id, `/logGroups/${groupId}/logs/${created.id}`, 'CREATED');
    },

    listLogs: ({ params: [groupId = ''], url }) => {
      group(groupId);
      const name = url.searchParams.get('displayName');
      return pageOf(sorted(store.logsOf(groupId), url), url, 1000, 100, (l) => name === null || l.displayName === name);
    },

    getLog: ({ params: [groupId = '', logId = ''] }) => ({ status: 200, body: log(groupId, logId), headers: { etag: logId.slice(-12) } }),

    deleteLog: ({ params: [groupId = '', logId = ''] }) => {
      const l = log(groupId, logId);
      store.deleteLog(logId);
      return workRequest('DELETE_LOG', l.compartmentId, 'log', logId, `/logGroups/${groupId}/logs/${logId}`, 'DELETED');
    },

    getWorkRequest: ({ params: [id = ''] }) => getWorkRequest(id),

    listWorkRequestErrors: ({ params: [id = ''] }) => {
      getWorkRequest(id);
      return { status: 200, body: [] };
    },
  };
}

import { createHash } from 'node:crypto';
import { HttpError, invalid, notFound, parseJsonBody } from '../http-error.js';
import type { Reply } from '../http-error.js';
import { pageOf, sorted } from '../list-paging.js';
import { newOcid } from '../ocid.js';
import type { Operation } from '../router.js';
import type { DefinedTags, FreeformTags, LogGroupRecord, LogRecord, OperationType, ServiceSource, Store, WorkRequestRecord } from '../store.js';
import type { ApiHandlers, ApiRequest } from './api-request.js';

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const NAME_RULE = '1 to 100 letters, digits, hyphens, periods or underscores';
const DAY = 86_400_000;
/** A work request nobody polls finishes by itself this long after it was accepted. */
export const WORK_REQUEST_MS = 1000;
const RETRY_TOKEN_MS = DAY;
/** A finished work request is kept this long after it finished, then forgotten (404), as the service forgets old ones. */
export const WORK_REQUEST_RETENTION_MS = 3_600_000;
/** Finished work requests kept at most; beyond it the oldest go first. */
export const MAX_WORK_REQUESTS = 10_000;
const LOG_STATES = ['CREATING', 'ACTIVE', 'UPDATING', 'INACTIVE', 'DELETING', 'FAILED'];

export interface ManagementContext {
  store: Store;
  now: () => number;
  /** Finished work requests kept at most (default MAX_WORK_REQUESTS). */
  maxWorkRequests?: number;
}

/**
 * A compartment a request names: the tenancy, or one the emulator was told
 * about (--compartment, the admin API, or a data dir's groups). Any other is
 * 404, as the service answers for a compartment that does not exist or that
 * you may not use.
 */
export function checkCompartment(store: Store, id: unknown, field = 'compartmentId'): string {
  if (typeof id !== 'string' || id === '') throw invalid(`${field}: required`);
  if (store.compartments.has(id)) return id;
  if (id.startsWith('ocid1.tenancy.')) throw new HttpError(404, 'NotAuthorizedOrNotFound', `${field}: tenancy ${id} not found (the emulator's tenancy is ${store.tenancy})`);
  if (id.startsWith('ocid1.compartment.')) {
    throw new HttpError(404, 'NotAuthorizedOrNotFound', `${field}: compartment ${id} not found (declare it with oci-log emulator --compartment, or POST /_emulator/compartments)`);
  }
  throw invalid(`${field}: ${id.slice(0, 200)} is not a compartment OCID`);
}

/** A group or log as the API shows it: internal fields left out. */
function view<T extends { etag: string }>(record: T): Omit<T, 'etag'> {
  const { etag: _etag, ...shown } = record;
  return shown;
}

function workRequestView(wr: WorkRequestRecord): Record<string, unknown> {
  const { reads: _reads, completeAt: _completeAt, fails: _fails, deletes: _deletes, errors: _errors, logs: _logs, ...shown } = wr;
  if (wr.status !== 'ACCEPTED') return shown;
  const { timeStarted: _started, timeFinished: _finished, ...accepted } = shown;
  return { ...accepted, percentComplete: 0, resources: wr.resources.map((r) => ({ ...r, actionType: 'IN_PROGRESS' })) };
}

/**
 * Tag limits as OCI's tagging documentation gives them: per resource at most
 * 64 free-form and 64 defined tags; keys and namespaces of 1 to 100
 * characters, values of at most 256. Defined tag values are strings (numbers
 * and booleans are taken too), never objects: nothing nests.
 */
export const TAG_LIMITS = { tags: 64, keyChars: 100, valueChars: 256 } as const;

const quoted = (k: string): string => JSON.stringify(k.slice(0, 100));

function tagEntries(field: string, value: unknown, what: string): Array<[string, unknown]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field}: must be an object of ${what}`);
  const entries = Object.entries(value);
  for (const [k] of entries) {
    if (k === '' || k.length > TAG_LIMITS.keyChars) throw invalid(`${field}: ${quoted(k)}: a key is 1 to ${TAG_LIMITS.keyChars} characters`);
  }
  return entries;
}

function tagValue(field: string, key: string, v: unknown, allowed: readonly string[]): void {
  if (typeof v === 'string' ? v.length <= TAG_LIMITS.valueChars : allowed.includes(typeof v)) return;
  throw invalid(`${field}: ${quoted(key)} must have a ${allowed.join(' or ')} value (a string of at most ${TAG_LIMITS.valueChars} characters)`);
}

function freeformTagsOf(value: unknown): FreeformTags | undefined {
  if (value === undefined) return undefined;
  const entries = tagEntries('freeformTags', value, 'string values');
  if (entries.length > TAG_LIMITS.tags) throw invalid(`freeformTags: at most ${TAG_LIMITS.tags} tags, got ${entries.length}`);
  for (const [k, v] of entries) tagValue('freeformTags', k, v, ['string']);
  return Object.fromEntries(entries) as FreeformTags;
}

function definedTagsOf(value: unknown): DefinedTags | undefined {
  if (value === undefined) return undefined;
  const out: Array<[string, Record<string, unknown>]> = [];
  let count = 0;
  for (const [ns, tags] of tagEntries('definedTags', value, 'namespaces, each an object of tags')) {
    const entries = tagEntries(`definedTags.${ns.slice(0, 100)}`, tags, 'tags');
    count += entries.length;
    if (count > TAG_LIMITS.tags) throw invalid(`definedTags: at most ${TAG_LIMITS.tags} tags, all namespaces together`);
    for (const [k, v] of entries) tagValue(`definedTags.${ns.slice(0, 100)}`, k, v, ['string', 'number', 'boolean']);
    out.push([ns, Object.fromEntries(entries)]);
  }
  return Object.fromEntries(out) as DefinedTags;
}

function displayNameOf(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !NAME_RE.test(value)) throw invalid(`displayName: ${required ? 'required; ' : ''}${NAME_RULE}`);
  return value;
}

function retentionOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 30 || value > 180 || value % 30 !== 0) {
    throw invalid(`retentionDuration: must be 30 to 180 days in steps of 30, got ${JSON.stringify(value)}`);
  }
  return value;
}

function serviceSourceOf(configuration: unknown): { compartmentId?: string; source: ServiceSource } {
  if (typeof configuration !== 'object' || configuration === null) throw invalid('configuration: required for a SERVICE log, with source {sourceType: OCISERVICE, service, resource, category}');
  const c = configuration as Record<string, unknown>;
  const source = c['source'] as Record<string, unknown> | undefined;
  if (typeof source !== 'object' || source === null || source['sourceType'] !== 'OCISERVICE') throw invalid('configuration.source.sourceType: must be OCISERVICE');
  for (const key of ['service', 'resource', 'category']) {
    if (typeof source[key] !== 'string' || source[key] === '') throw invalid(`configuration.source.${key}: required`);
  }
  const parameters = source['parameters'];
  if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Object.values(parameters).some((v) => typeof v !== 'string'))) {
    throw invalid('configuration.source.parameters: must be an object of string values');
  }
  return {
    ...(typeof c['compartmentId'] === 'string' ? { compartmentId: c['compartmentId'] } : {}),
    source: {
      sourceType: 'OCISERVICE',
      service: source['service'] as string,
      resource: source['resource'] as string,
      category: source['category'] as string,
      ...(parameters === undefined ? {} : { parameters: parameters as Record<string, string> }),
    },
  };
}

/** Refuses a request whose if-match is not the resource's current etag. */
function checkIfMatch(req: ApiRequest, record: { etag: string }): void {
  const ifMatch = req.headers['if-match'];
  if (ifMatch === undefined || ifMatch === '*') return;
  if (ifMatch !== record.etag) throw new HttpError(412, 'NoEtagMatch', `The resource's etag does not match the if-match header (${String(ifMatch).slice(0, 64)})`);
}

/**
 * The management API: log groups, logs and work requests over the store.
 *
 * Changes answer 202 with a work request, as the service does. Creates,
 * updates and moves take effect at once; a delete marks its resource
 * DELETING and removes it when its work request finishes. A work request
 * reads ACCEPTED the first time and finishes at its next read, or by itself
 * after WORK_REQUEST_MS, so a client that does not poll, or does not check
 * the status, is caught. Unfinished reads carry retry-after.
 */
export function managementApi(ctx: ManagementContext): ApiHandlers {
  const { store } = ctx;

  /** Finishes the work requests that are due: deletes happen, failures undo. */
  const settle = (): void => {
    const now = ctx.now();
    let changed = false;
    for (const wr of store.workRequests.values()) {
      if (wr.status !== 'ACCEPTED' || (wr.reads < 2 && now < wr.completeAt)) continue;
      finish(wr, now);
      changed = true;
    }
    for (const t of store.retryTokens.values()) {
      if (t.expires <= now) {
        store.retryTokens.delete(t.token);
        changed = true;
      }
    }
    if (prune(now)) changed = true;
    if (changed) store.save();
  };

  /**
   * Forgets finished work requests an hour after they finished, and the
   * oldest finished ones beyond MAX_WORK_REQUESTS, so that every create,
   * update and delete does not hold memory for good. One a live
   * opc-retry-token answers with is kept until the token expires.
   */
  const prune = (now: number): boolean => {
    const max = ctx.maxWorkRequests ?? MAX_WORK_REQUESTS;
    const answered = new Set<string>();
    for (const t of store.retryTokens.values()) answered.add(t.workRequestId);
    let excess = store.workRequests.size - max;
    let pruned = false;
    // oldest first: the map keeps the order they were accepted in
    for (const wr of store.workRequests.values()) {
      if (wr.status === 'ACCEPTED' || answered.has(wr.id)) continue;
      if (excess > 0 || now - Date.parse(wr.timeFinished ?? wr.timeAccepted) >= WORK_REQUEST_RETENTION_MS) {
        store.workRequests.delete(wr.id);
        excess--;
        pruned = true;
      }
    }
    return pruned;
  };

  const finish = (wr: WorkRequestRecord, now: number): void => {
    const at = new Date(now).toISOString();
    wr.status = wr.fails ? 'FAILED' : 'SUCCEEDED';
    wr.percentComplete = 100;
    wr.timeStarted = wr.timeStarted ?? wr.timeAccepted;
    wr.timeFinished = at;
    const target = wr.deletes;
    if (target) {
      const record = target.kind === 'loggroup' ? store.logGroups.get(target.id) : store.logs.get(target.id);
      if (record && wr.fails) record.lifecycleState = 'ACTIVE';
      else if (record) (target.kind === 'loggroup' ? store.deleteLogGroup(target.id) : store.deleteLog(target.id));
    }
    if (wr.fails) {
      wr.errors.push({ code: 'InternalError', message: `injected fault: the work request ${wr.operationType} failed`, timestamp: at });
      wr.logs.push({ message: `${wr.operationType} failed`, timestamp: at });
    } else {
      wr.logs.push({ message: `${wr.operationType} succeeded`, timestamp: at });
    }
  };

  const group = (id: string): LogGroupRecord => {
    const g = store.logGroups.get(id);
    if (!g) throw notFound(`log group ${id}`);
    return g;
  };

  const log = (groupId: string, logId: string): LogRecord => {
    group(groupId);
    const l = store.logs.get(logId);
    if (!l || l.logGroupId !== groupId) throw notFound(`log ${logId} in log group ${groupId}`);
    return l;
  };

  const activeGroup = (id: string): LogGroupRecord => {
    const g = group(id);
    if (g.lifecycleState === 'DELETING') throw new HttpError(409, 'IncorrectState', `log group ${id} is being deleted`);
    return g;
  };

  /** Accepts a change: a new work request (failing if a fault says so), answered 202. */
  const accept = (
    req: ApiRequest,
    operationType: OperationType,
    compartmentId: string,
    resource: { entityType: 'loggroup' | 'log'; id: string; uri: string; action: 'CREATED' | 'UPDATED' | 'DELETED' },
  ): { reply: Reply; wr: WorkRequestRecord } => {
    const now = ctx.now();
    const wr: WorkRequestRecord = {
      id: newOcid('logworkrequest'),
      operationType,
      status: 'ACCEPTED',
      compartmentId,
      resources: [{ entityType: resource.entityType, actionType: resource.action, identifier: resource.id, entityUri: resource.uri }],
      percentComplete: 0,
      timeAccepted: new Date(now).toISOString(),
      reads: 0,
      completeAt: now + WORK_REQUEST_MS,
      fails: req.failWorkRequest === true,
      ...(resource.action === 'DELETED' ? { deletes: { kind: resource.entityType, id: resource.id } } : {}),
      errors: [],
      logs: [{ message: `${operationType} accepted`, timestamp: new Date(now).toISOString() }],
    };
    store.addWorkRequest(wr);
    return { reply: { status: 202, headers: { 'opc-work-request-id': wr.id } }, wr };
  };

  /**
   * A create with an opc-retry-token: the same request again within 24 h
   * gets the first one's work request (nothing is made twice); the token with
   * another request is 409, and so is a token whose resource is gone.
   */
  const withRetryToken = (req: ApiRequest, op: Operation, create: () => { reply: Reply; resourceId: string; workRequestId: string }): Reply => {
    settle();
    const token = req.headers['opc-retry-token'];
    if (typeof token !== 'string' || token === '') return create().reply;
    if (token.length > 64) throw invalid('opc-retry-token: at most 64 characters');
    const fingerprint = `${op} ${req.params.join('/')} ${createHash('sha256').update(req.body).digest('base64')}`;
    const seen = store.retryTokens.get(token);
    if (seen) {
      if (seen.fingerprint !== fingerprint) throw new HttpError(409, 'Conflict', 'the opc-retry-token was used for a different request in the last 24 hours');
      const gone = !store.logGroups.has(seen.resourceId) && !store.logs.has(seen.resourceId);
      if (gone && store.workRequests.get(seen.workRequestId)?.status === 'SUCCEEDED') {
        throw new HttpError(409, 'InvalidatedRetryToken', 'the resource this opc-retry-token created has since been deleted; retry with a new token');
      }
      return { status: 202, headers: { 'opc-work-request-id': seen.workRequestId } };
    }
    const made = create();
    store.retryTokens.set(token, { token, fingerprint, workRequestId: made.workRequestId, resourceId: made.resourceId, expires: ctx.now() + RETRY_TOKEN_MS });
    store.save();
    return made.reply;
  };

  const getWorkRequest = (id: string): WorkRequestRecord => {
    settle();
    const wr = store.workRequests.get(id);
    if (!wr) throw notFound(`work request ${id}`);
    return wr;
  };

  /** A work request read: the first read of an unfinished one answers ACCEPTED, the next finishes it. */
  const readWorkRequest = (id: string): WorkRequestRecord => {
    const wr = getWorkRequest(id);
    if (wr.status === 'ACCEPTED') {
      wr.reads += 1;
      if (wr.reads >= 2) finish(wr, ctx.now());
      store.save();
    }
    return wr;
  };

  const uniqueGroupName = (compartmentId: string, name: string, except?: string): void => {
    const existing = [...store.logGroups.values()].find((g) => g.compartmentId === compartmentId && g.displayName === name && g.id !== except);
    if (existing) throw new HttpError(409, 'Conflict', `a log group named ${name} already exists in this compartment: ${existing.id}`);
  };

  const uniqueLogName = (groupId: string, name: string, except?: string): void => {
    const existing = store.logsOf(groupId).find((l) => l.displayName === name && l.id !== except);
    if (existing) throw new HttpError(409, 'Conflict', `a log named ${name} already exists in log group ${groupId}: ${existing.id}`);
  };

  return {
    createLogGroup: (req) =>
      withRetryToken(req, 'createLogGroup', () => {
        const b = parseJsonBody(req.body);
        const compartmentId = checkCompartment(store, b['compartmentId']);
        const name = displayNameOf(b['displayName'], true) as string;
        if (b['description'] !== undefined && typeof b['description'] !== 'string') throw invalid('description: must be a string');
        const freeformTags = freeformTagsOf(b['freeformTags']);
        const definedTags = definedTagsOf(b['definedTags']);
        uniqueGroupName(compartmentId, name);
        const id = newOcid('loggroup');
        const resource = { entityType: 'loggroup' as const, id, uri: `/logGroups/${id}`, action: 'CREATED' as const };
        if (req.failWorkRequest) {
          const { reply, wr } = accept(req, 'CREATE_LOG_GROUP', compartmentId, resource);
          return { reply, resourceId: id, workRequestId: wr.id };
        }
        const created = store.createLogGroup(
          {
            compartmentId,
            displayName: name,
            ...(typeof b['description'] === 'string' ? { description: b['description'] } : {}),
            ...(freeformTags ? { freeformTags } : {}),
            ...(definedTags ? { definedTags } : {}),
          },
          ctx.now(),
        );
        const { reply, wr } = accept(req, 'CREATE_LOG_GROUP', compartmentId, { ...resource, id: created.id, uri: `/logGroups/${created.id}` });
        return { reply, resourceId: created.id, workRequestId: wr.id };
      }),

    listLogGroups: ({ url }) => {
      settle();
      const compartmentId = checkCompartment(store, url.searchParams.get('compartmentId') ?? undefined);
      const subtree = url.searchParams.get('isCompartmentIdInSubtree') === 'true';
      const name = url.searchParams.get('displayName');
      const groups = [...store.logGroups.values()].filter((g) => g.compartmentId === compartmentId || (subtree && compartmentId === store.tenancy));
      return pageOf(sorted(groups, url), url, 1000, 100, (g) => name === null || g.displayName === name, view);
    },

    getLogGroup: ({ params: [id = ''] }) => {
      settle();
      const g = group(id);
      return { status: 200, body: view(g), headers: { etag: g.etag } };
    },

    updateLogGroup: (req) => {
      settle();
      const g = activeGroup(req.params[0] ?? '');
      checkIfMatch(req, g);
      const b = parseJsonBody(req.body);
      const name = displayNameOf(b['displayName'], false);
      if (b['description'] !== undefined && typeof b['description'] !== 'string') throw invalid('description: must be a string');
      const freeformTags = freeformTagsOf(b['freeformTags']);
      const definedTags = definedTagsOf(b['definedTags']);
      if (name !== undefined) uniqueGroupName(g.compartmentId, name, g.id);
      if (!req.failWorkRequest) {
        if (name !== undefined) g.displayName = name;
        if (typeof b['description'] === 'string') g.description = b['description'];
        if (freeformTags) g.freeformTags = freeformTags;
        if (definedTags) g.definedTags = definedTags;
        store.touch(g, ctx.now());
      }
      return accept(req, 'UPDATE_LOG_GROUP', g.compartmentId, { entityType: 'loggroup', id: g.id, uri: `/logGroups/${g.id}`, action: 'UPDATED' }).reply;
    },

    changeLogGroupCompartment: (req) => {
      settle();
      const g = activeGroup(req.params[0] ?? '');
      checkIfMatch(req, g);
      const target = checkCompartment(store, parseJsonBody(req.body)['compartmentId']);
      uniqueGroupName(target, g.displayName, g.id);
      if (!req.failWorkRequest && target !== g.compartmentId) {
        g.compartmentId = target;
        for (const l of store.logsOf(g.id)) {
          l.compartmentId = target;
          store.touch(l, ctx.now());
        }
        store.touch(g, ctx.now());
      }
      return accept(req, 'MOVE_LOG_GROUP', target, { entityType: 'loggroup', id: g.id, uri: `/logGroups/${g.id}`, action: 'UPDATED' }).reply;
    },

    deleteLogGroup: (req) => {
      settle();
      const g = activeGroup(req.params[0] ?? '');
      checkIfMatch(req, g);
      const logs = store.logsOf(g.id);
      if (logs.length > 0) throw new HttpError(409, 'Conflict', `log group ${g.id} still has ${logs.length} log(s); delete them first`);
      if (!req.failWorkRequest) {
        g.lifecycleState = 'DELETING';
        store.touch(g, ctx.now());
      }
      return accept(req, 'DELETE_LOG_GROUP', g.compartmentId, { entityType: 'loggroup', id: g.id, uri: `/logGroups/${g.id}`, action: 'DELETED' }).reply;
    },

    createLog: (req) =>
      withRetryToken(req, 'createLog', () => {
        const g = activeGroup(req.params[0] ?? '');
        const b = parseJsonBody(req.body);
        const name = displayNameOf(b['displayName'], true) as string;
        const logType = b['logType'];
        if (logType !== 'CUSTOM' && logType !== 'SERVICE') throw invalid('logType: required, must be CUSTOM or SERVICE');
        const configuration = logType === 'SERVICE' ? serviceSourceOf(b['configuration']) : undefined;
        const retention = retentionOf(b['retentionDuration']) ?? 30;
        if (b['isEnabled'] !== undefined && typeof b['isEnabled'] !== 'boolean') throw invalid('isEnabled: must be true or false');
        const freeformTags = freeformTagsOf(b['freeformTags']);
        const definedTags = definedTagsOf(b['definedTags']);
        uniqueLogName(g.id, name);
        const uri = (id: string) => `/logGroups/${g.id}/logs/${id}`;
        if (req.failWorkRequest) {
          const id = newOcid('log');
          const { reply, wr } = accept(req, 'CREATE_LOG', g.compartmentId, { entityType: 'log', id, uri: uri(id), action: 'CREATED' });
          return { reply, resourceId: id, workRequestId: wr.id };
        }
        const created = store.createLog(
          g,
          {
            displayName: name,
            logType,
            isEnabled: b['isEnabled'] !== false,
            retentionDuration: retention,
            ...(configuration ? { configuration } : {}),
            ...(freeformTags ? { freeformTags } : {}),
            ...(definedTags ? { definedTags } : {}),
          },
          ctx.now(),
        );
        const { reply, wr } = accept(req, 'CREATE_LOG', g.compartmentId, { entityType: 'log', id: created.id, uri: uri(created.id), action: 'CREATED' });
        return { reply, resourceId: created.id, workRequestId: wr.id };
      }),

    listLogs: ({ params: [groupId = ''], url }) => {
      settle();
      group(groupId);
      const q = (k: string) => url.searchParams.get(k);
      const name = q('displayName');
      const logType = q('logType');
      const state = q('lifecycleState');
      const sourceService = q('sourceService');
      const sourceResource = q('sourceResource');
      if (logType !== null && logType !== 'CUSTOM' && logType !== 'SERVICE') throw invalid(`logType: must be CUSTOM or SERVICE, got ${JSON.stringify(logType.slice(0, 50))}`);
      if (state !== null && !LOG_STATES.includes(state)) throw invalid(`lifecycleState: must be one of ${LOG_STATES.join(', ')}, got ${JSON.stringify(state.slice(0, 50))}`);
      const keep = (l: LogRecord): boolean =>
        (name === null || l.displayName === name) &&
        (logType === null || l.logType === logType) &&
        (state === null || l.lifecycleState === state) &&
        (sourceService === null || l.configuration?.source.service === sourceService) &&
        (sourceResource === null || l.configuration?.source.resource === sourceResource);
      return pageOf(sorted(store.logsOf(groupId), url), url, 1000, 100, keep, view);
    },

    getLog: ({ params: [groupId = '', logId = ''] }) => {
      settle();
      const l = log(groupId, logId);
      return { status: 200, body: view(l), headers: { etag: l.etag } };
    },

    updateLog: (req) => {
      settle();
      const [groupId = '', logId = ''] = req.params;
      const l = log(groupId, logId);
      if (l.lifecycleState === 'DELETING') throw new HttpError(409, 'IncorrectState', `log ${logId} is being deleted`);
      checkIfMatch(req, l);
      const b = parseJsonBody(req.body);
      if (b['configuration'] !== undefined) throw new HttpError(501, 'MethodNotImplemented', "updating a log's configuration is not implemented by the emulator");
      const name = displayNameOf(b['displayName'], false);
      const retention = retentionOf(b['retentionDuration']);
      if (b['isEnabled'] !== undefined && typeof b['isEnabled'] !== 'boolean') throw invalid('isEnabled: must be true or false');
      const freeformTags = freeformTagsOf(b['freeformTags']);
      const definedTags = definedTagsOf(b['definedTags']);
      if (name !== undefined) uniqueLogName(groupId, name, l.id);
      if (!req.failWorkRequest) {
        if (name !== undefined) l.displayName = name;
        if (retention !== undefined) l.retentionDuration = retention;
        if (typeof b['isEnabled'] === 'boolean') l.isEnabled = b['isEnabled'];
        if (freeformTags) l.freeformTags = freeformTags;
        if (definedTags) l.definedTags = definedTags;
        store.touch(l, ctx.now());
      }
      return accept(req, 'UPDATE_LOG', l.compartmentId, { entityType: 'log', id: l.id, uri: `/logGroups/${groupId}/logs/${l.id}`, action: 'UPDATED' }).reply;
    },

    changeLogLogGroup: (req) => {
      settle();
      const [groupId = '', logId = ''] = req.params;
      const l = log(groupId, logId);
      if (l.lifecycleState === 'DELETING') throw new HttpError(409, 'IncorrectState', `log ${logId} is being deleted`);
      checkIfMatch(req, l);
      const targetId = parseJsonBody(req.body)['targetLogGroupId'];
      if (typeof targetId !== 'string' || targetId === '') throw invalid('targetLogGroupId: required');
      const target = store.logGroups.get(targetId);
      if (!target) throw notFound(`targetLogGroupId: log group ${targetId}`);
      if (target.lifecycleState === 'DELETING') throw new HttpError(409, 'IncorrectState', `log group ${targetId} is being deleted`);
      uniqueLogName(target.id, l.displayName, l.id);
      if (!req.failWorkRequest && target.id !== l.logGroupId) {
        l.logGroupId = target.id;
        l.compartmentId = target.compartmentId;
        store.touch(l, ctx.now());
      }
      return accept(req, 'MOVE_LOG', target.compartmentId, { entityType: 'log', id: l.id, uri: `/logGroups/${target.id}/logs/${l.id}`, action: 'UPDATED' }).reply;
    },

    deleteLog: (req) => {
      settle();
      const [groupId = '', logId = ''] = req.params;
      const l = log(groupId, logId);
      if (l.lifecycleState === 'DELETING') throw new HttpError(409, 'IncorrectState', `log ${logId} is being deleted`);
      checkIfMatch(req, l);
      if (!req.failWorkRequest) {
        l.lifecycleState = 'DELETING';
        store.touch(l, ctx.now());
      }
      return accept(req, 'DELETE_LOG', l.compartmentId, { entityType: 'log', id: logId, uri: `/logGroups/${groupId}/logs/${logId}`, action: 'DELETED' }).reply;
    },

    getWorkRequest: ({ params: [id = ''] }) => {
      const wr = readWorkRequest(id);
      const headers: Record<string, string> = wr.status === 'ACCEPTED' ? { 'retry-after': '1' } : {};
      return { status: 200, body: workRequestView(wr), headers };
    },

    listWorkRequests: ({ url }) => {
      settle();
      const compartmentId = checkCompartment(store, url.searchParams.get('compartmentId') ?? undefined);
      const status = url.searchParams.get('status');
      const id = url.searchParams.get('id');
      const all = [...store.workRequests.values()].filter((w) => w.compartmentId === compartmentId);
      return pageOf(all, url, 1000, 100, (w) => (status === null || w.status === status) && (id === null || w.id === id), workRequestView);
    },

    listWorkRequestErrors: ({ params: [id = ''], url }) => pageOf(getWorkRequest(id).errors, url, 1000, 100),

    listWorkRequestLogs: ({ params: [id = ''], url }) => pageOf(getWorkRequest(id).logs, url, 1000, 100),
  };
}

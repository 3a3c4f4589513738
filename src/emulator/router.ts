/** The APIs the emulator serves, each in its own module under api/. */
export type Api = 'ingestion' | 'management' | 'search';

/** The operations the emulator implements, by the SDK's names. */
export const OPERATIONS = [
  'putLogs',
  'search',
  'createLogGroup',
  'listLogGroups',
  'getLogGroup',
  'deleteLogGroup',
  'createLog',
  'listLogs',
  'getLog',
  'deleteLog',
  'updateLogGroup',
  'updateLog',
  'changeLogGroupCompartment',
  'changeLogLogGroup',
  'getWorkRequest',
  'listWorkRequests',
  'listWorkRequestErrors',
  'listWorkRequestLogs',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Route {
  api: Api;
  op: Operation;
  /** The path's OCIDs, in order. */
  params: string[];
}

/** What the router says of a method and path. */
export type RouteResult =
  | ({ kind: 'operation' } & Route)
  /** An operation of the Logging APIs that the emulator does not implement (501). */
  | { kind: 'not-implemented'; op: string }
  /** The path is an operation's, the method is not (405). */
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface RouteSpec {
  method: string;
  path: RegExp;
  api: Api;
  op: Operation;
}

const ID = '([^/]+)';
const MGMT = '/20200531';
const spec = (method: string, api: Api, path: string, op: Operation): RouteSpec => ({ method, api, op, path: new RegExp(`^${path}$`) });

const ROUTES: readonly RouteSpec[] = [
  spec('POST', 'ingestion', `/20200831/logs/${ID}/actions/push`, 'putLogs'),
  spec('POST', 'search', '/20190909/search', 'search'),
  spec('POST', 'management', `${MGMT}/logGroups`, 'createLogGroup'),
  spec('GET', 'management', `${MGMT}/logGroups`, 'listLogGroups'),
  spec('GET', 'management', `${MGMT}/logGroups/${ID}`, 'getLogGroup'),
  spec('DELETE', 'management', `${MGMT}/logGroups/${ID}`, 'deleteLogGroup'),
  spec('POST', 'management', `${MGMT}/logGroups/${ID}/logs`, 'createLog'),
  spec('GET', 'management', `${MGMT}/logGroups/${ID}/logs`, 'listLogs'),
  spec('GET', 'management', `${MGMT}/logGroups/${ID}/logs/${ID}`, 'getLog'),
  spec('DELETE', 'management', `${MGMT}/logGroups/${ID}/logs/${ID}`, 'deleteLog'),
  spec('PUT', 'management', `${MGMT}/logGroups/${ID}`, 'updateLogGroup'),
  spec('PUT', 'management', `${MGMT}/logGroups/${ID}/logs/${ID}`, 'updateLog'),
  spec('POST', 'management', `${MGMT}/logGroups/${ID}/actions/changeCompartment`, 'changeLogGroupCompartment'),
  spec('POST', 'management', `${MGMT}/logGroups/${ID}/logs/${ID}/actions/changeLogGroup`, 'changeLogLogGroup'),
  spec('GET', 'management', `${MGMT}/workRequests`, 'listWorkRequests'),
  spec('GET', 'management', `${MGMT}/workRequests/${ID}`, 'getWorkRequest'),
  spec('GET', 'management', `${MGMT}/workRequests/${ID}/errors`, 'listWorkRequestErrors'),
  spec('GET', 'management', `${MGMT}/workRequests/${ID}/logs`, 'listWorkRequestLogs'),
];

/** Operations of the management API (SDK 2.139) the emulator does not implement, by path. */
const NOT_IMPLEMENTED: ReadonlyArray<{ path: RegExp; ops: Record<string, string> }> = [
  { path: new RegExp(`^${MGMT}/logSavedSearches$`), ops: { GET: 'listLogSavedSearches', POST: 'createLogSavedSearch' } },
  { path: new RegExp(`^${MGMT}/logSavedSearches/${ID}$`), ops: { GET: 'getLogSavedSearch', PUT: 'updateLogSavedSearch', DELETE: 'deleteLogSavedSearch' } },
  { path: new RegExp(`^${MGMT}/logSavedSearches/${ID}/actions/changeCompartment$`), ops: { POST: 'changeLogSavedSearchCompartment' } },
  { path: new RegExp(`^${MGMT}/unifiedAgentConfigurations$`), ops: { GET: 'listUnifiedAgentConfigurations', POST: 'createUnifiedAgentConfiguration' } },
  {
    path: new RegExp(`^${MGMT}/unifiedAgentConfigurations/${ID}$`),
    ops: { GET: 'getUnifiedAgentConfiguration', PUT: 'updateUnifiedAgentConfiguration', DELETE: 'deleteUnifiedAgentConfiguration' },
  },
  { path: new RegExp(`^${MGMT}/unifiedAgentConfigurations/${ID}/actions/changeCompartment$`), ops: { POST: 'changeUnifiedAgentConfigurationCompartment' } },
  { path: new RegExp(`^${MGMT}/v2/registry/services$`), ops: { GET: 'listServices' } },
  { path: new RegExp(`^${MGMT}/workRequests/${ID}$`), ops: { DELETE: 'deleteWorkRequest' } },
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed %-escape: kept as sent, so it matches nothing
  }
}

/** The operation a method and path name; or why there is none. */
export function route(method: string, path: string): RouteResult {
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    if (!m) continue;
    if (r.method === method) return { kind: 'operation', api: r.api, op: r.op, params: m.slice(1).map(decodeSegment) };
    allowed.push(r.method);
  }
  for (const n of NOT_IMPLEMENTED) {
    if (!n.path.test(path)) continue;
    const op = n.ops[method];
    if (op !== undefined) return { kind: 'not-implemented', op };
    allowed.push(...Object.keys(n.ops));
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}

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
  'getWorkRequest',
  'listWorkRequestErrors',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Route {
  api: Api;
  op: Operation;
  /** The path's OCIDs, in order. */
  params: string[];
}

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
  spec('GET', 'management', `${MGMT}/workRequests/${ID}`, 'getWorkRequest'),
  spec('GET', 'management', `${MGMT}/workRequests/${ID}/errors`, 'listWorkRequestErrors'),
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed %-escape: kept as sent, so it matches nothing
  }
}

/** The operation a method and path name, or undefined. */
export function route(method: string, path: string): Route | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.path.exec(path);
    if (m) return { api: r.api, op: r.op, params: m.slice(1).map(decodeSegment) };
  }
  return undefined;
}

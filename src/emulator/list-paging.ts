import { invalid } from './http-error.js';
import type { Reply } from './http-error.js';

/** The limit and page of a list or search request; page tokens are offsets this server issued. */
export function paging(url: URL, max: number, dflt: number): { limit: number; offset: number } {
  const rawLimit = url.searchParams.get('limit');
  const limit = rawLimit === null ? dflt : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw invalid(`limit: must be a whole number from 1 to ${max}, got ${JSON.stringify(rawLimit)}`);
  const page = url.searchParams.get('page');
  const offset = page === null ? 0 : Number(page);
  if (!/^\d{1,15}$/.test(page ?? '0') || !Number.isSafeInteger(offset)) throw invalid(`page: not a page token this server issued: ${JSON.stringify(page?.slice(0, 100))}`);
  return { limit, offset };
}

/**
 * One page of a list. As the service documents, `limit` counts records
 * before filtering (displayName and the like): a page may hold fewer matches
 * than the limit, even none, and still have a next page.
 */
export function pageOf<T>(items: readonly T[], url: URL, max: number, dflt: number, filter: (item: T) => boolean = () => true, view: (item: T) => unknown = (x) => x): Reply {
  const { limit, offset } = paging(url, max, dflt);
  const slice = items.slice(offset, offset + limit).filter(filter).map(view);
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) headers['opc-next-page'] = String(offset + limit);
  return { status: 200, body: slice, headers };
}

/**
 * sortBy timeCreated (newest first unless sortOrder=ASC) or displayName
 * (A to Z unless DESC). Without sortBy: creation order (the service's default
 * is not documented).
 */
export function sorted<T extends { timeCreated: string; displayName: string }>(items: T[], url: URL): T[] {
  const by = url.searchParams.get('sortBy');
  const order = url.searchParams.get('sortOrder');
  if (by !== null && by !== 'timeCreated' && by !== 'displayName') throw invalid(`sortBy: must be timeCreated or displayName, got ${JSON.stringify(by.slice(0, 100))}`);
  if (order !== null && order !== 'ASC' && order !== 'DESC') throw invalid(`sortOrder: must be ASC or DESC, got ${JSON.stringify(order.slice(0, 100))}`);
  if (by === null && order === null) return items;
  const desc = order === null ? by === 'timeCreated' || by === null : order === 'DESC';
  const key = (x: T): string => (by === 'displayName' ? x.displayName : x.timeCreated);
  // Array#sort is stable: equal keys keep creation order.
  return [...items].sort((a, b) => (desc ? -1 : 1) * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

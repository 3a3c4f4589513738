import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './write-atomic.js';

/** Where a log is: what a search and PutLogs need, found once from its name or OCID. */
export interface CachedLog {
  logId: string;
  logGroupId: string;
  compartmentId: string;
  /** GROUP/LOG display names, when known. */
  name?: string;
  /** When it was found (epoch ms). */
  at: number;
}

interface CacheFile {
  version: 1;
  /** By `${scope} ${compartment or *} ${GROUP/LOG}`. */
  names: Record<string, CachedLog>;
  /** By `${scope} ${log OCID}`. */
  ocids: Record<string, CachedLog>;
}

/** Entries kept per kind; the oldest go first. */
const MAX_ENTRIES = 1000;

/** `${XDG_CACHE_HOME:-~/.cache}/oci-log/names.json`, or undefined without a home. */
export function defaultNameCachePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const base = env['XDG_CACHE_HOME'] || (env['HOME'] ? join(env['HOME'], '.cache') : undefined);
  return base === undefined ? undefined : join(base, 'oci-log', 'names.json');
}

function isCachedLog(v: unknown): v is CachedLog {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return typeof c['logId'] === 'string' && typeof c['logGroupId'] === 'string' && typeof c['compartmentId'] === 'string' && typeof c['at'] === 'number';
}

function validEntries(v: unknown): Record<string, CachedLog> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter(([, e]) => isCachedLog(e))) as Record<string, CachedLog>;
}

/**
 * Where logs were found, by name and by OCID, so that `--log GROUP/LOG` and
 * `--log-ocid` alone cost one check instead of a search of the tenancy. A
 * hint, never the truth: whoever reads an entry checks it with the service
 * before use (a deleted or renamed log looks the name up again). A missing,
 * unreadable or corrupt file is an empty cache; a cache that cannot be
 * written is no cache. Scopes keep endpoints, regions and tenancies apart.
 */
export class NameCache {
  private data: CacheFile = { version: 1, names: {}, ocids: {} };
  private dirty = false;

  constructor(readonly path: string | undefined) {
    if (path === undefined) return;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1) this.data = { version: 1, names: validEntries(parsed.names), ocids: validEntries(parsed.ocids) };
    } catch {
      // none yet, or not ours to read: start empty
    }
  }

  byName(key: string): CachedLog | undefined {
    return this.data.names[key];
  }

  byOcid(key: string): CachedLog | undefined {
    return this.data.ocids[key];
  }

  remember(nameKey: string | undefined, ocidKey: string, log: CachedLog): void {
    if (nameKey !== undefined) this.data.names[nameKey] = log;
    this.data.ocids[ocidKey] = log;
    this.dirty = true;
  }

  forget(nameKey: string | undefined, ocidKey: string | undefined): void {
    if (nameKey !== undefined) delete this.data.names[nameKey];
    if (ocidKey !== undefined) delete this.data.ocids[ocidKey];
    this.dirty = true;
  }

  /** Every GROUP/LOG name cached under a scope (for shell completion: no call). */
  namesIn(scopePrefix = ''): string[] {
    return [...new Set(Object.entries(this.data.names).filter(([k]) => k.startsWith(scopePrefix)).map(([k]) => k.slice(k.lastIndexOf(' ') + 1)))].sort();
  }

  /** Writes the cache (atomically, mode 0600) when it changed; a failure to write is not an error. */
  save(): void {
    if (!this.dirty || this.path === undefined) return;
    const trim = (r: Record<string, CachedLog>): Record<string, CachedLog> =>
      Object.fromEntries(
        Object.entries(r)
          .sort(([, a], [, b]) => b.at - a.at)
          .slice(0, MAX_ENTRIES),
      );
    const text = JSON.stringify({ version: 1, names: trim(this.data.names), ocids: trim(this.data.ocids) });
    try {
      writeFileAtomic(this.path, text);
      this.dirty = false;
    } catch {
      // a read-only home: no cache, same answers
    }
  }
}

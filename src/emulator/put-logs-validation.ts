import { isUtf8 } from 'node:buffer';
import type { StoredEntry } from './store.js';

/**
 * The emulator's own cap on a request body (see the README's emulator
 * section). The service is reported to take far larger requests; Oracle's
 * fluentd plugin sends at most 9 MiB, and oci-log at most 9 MiB.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** RFC 3339 date-time with a time zone: what the service accepts for entry times. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export type ValidationResult = { ok: true; entries: StoredEntry[] } | { ok: false; message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !RFC3339.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Checks a PutLogs body as strictly as the service: JSON, specversion "1.0",
 * batches with source, type and an RFC 3339 defaultlogentrytime, entries with
 * string id and data and optional RFC 3339 times. The message names the
 * first offending field. (An entry's data may be of any length: the service
 * truncates long fields rather than refusing them; see field-truncation.ts.)
 */
export function validatePutLogs(body: Buffer, now: number): ValidationResult {
  const fail = (message: string): ValidationResult => ({ ok: false, message });
  // JSON is UTF-8; decoding would put U+FFFD in place of the bad bytes and store what was never sent.
  if (!isUtf8(body)) return fail('the request body is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return fail(`the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(parsed)) return fail('the request body must be a JSON object');
  if (parsed['specversion'] !== '1.0') return fail(`specversion: must be "1.0", got ${JSON.stringify(parsed['specversion'] ?? null)}`);
  const batches = parsed['logEntryBatches'];
  if (!Array.isArray(batches)) return fail('logEntryBatches: required, must be an array');
  const out: StoredEntry[] = [];
  for (let b = 0; b < batches.length; b++) {
    const batch: unknown = batches[b];
    const at = `logEntryBatches[${b}]`;
    if (!isRecord(batch)) return fail(`${at}: must be an object`);
    const { source, type, subject, defaultlogentrytime, entries } = batch;
    if (typeof source !== 'string' || source === '') return fail(`${at}.source: required, must be a non-empty string`);
    if (typeof type !== 'string' || type === '') return fail(`${at}.type: required, must be a non-empty string`);
    if (subject !== undefined && subject !== null && typeof subject !== 'string') return fail(`${at}.subject: must be a string`);
    const defaultTime = parseTime(defaultlogentrytime);
    if (defaultTime === undefined) return fail(`${at}.defaultlogentrytime: required, must be an RFC 3339 time`);
    if (!Array.isArray(entries)) return fail(`${at}.entries: required, must be an array`);
    for (let e = 0; e < entries.length; e++) {
      const entry: unknown = entries[e];
      const eat = `${at}.entries[${e}]`;
      if (!isRecord(entry)) return fail(`${eat}: must be an object`);
      const { id, data, time } = entry;
      if (typeof id !== 'string' || id === '') return fail(`${eat}.id: required, must be a non-empty string`);
      if (typeof data !== 'string') return fail(`${eat}.data: required, must be a string`);
      let t = defaultTime;
      if (time !== undefined && time !== null) {
        const parsedTime = parseTime(time);
        if (parsedTime === undefined) return fail(`${eat}.time: not an RFC 3339 time: ${JSON.stringify(time)}`);
        t = parsedTime;
      }
      out.push({
        id,
        data,
        time: t,
        source,
        type,
        // one object shape for every entry (subject may be undefined): cheaper for millions of them
        subject: typeof subject === 'string' ? subject : undefined,
        ingested: now,
      });
    }
  }
  return { ok: true, entries: out };
}

/**
 * A string literal of the logging query language: single-quoted, with a
 * backslash before a quote and before a backslash, as the specification's
 * Literals table writes 'world\'!' (a doubled quote would end the string).
 * A `*` inside stays a wildcard.
 */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export interface QueryParts {
  compartmentId: string;
  logGroupId?: string | undefined;
  logId?: string | undefined;
  /** --grep: matches anywhere in the entry. */
  grep?: string | undefined;
  /** --where: a raw where clause, used as given. */
  where?: string | undefined;
  /**
   * Exact matches on data fields, e.g. {run: '…'} from --run: adding a filter
   * flag is one entry here. Field names must be plain identifiers.
   */
  dataEquals?: Record<string, string>;
}

/** search "<compartment>/<group>/<log>" | where … | sort by datetime desc */
export function buildSearchQuery(parts: QueryParts): string {
  const scope = [parts.compartmentId, parts.logGroupId, parts.logId].filter((p): p is string => p !== undefined && p !== '').join('/');
  const clauses: string[] = [];
  if (parts.grep !== undefined) clauses.push(`logContent = ${quoteLiteral(`*${parts.grep}*`)}`);
  for (const [field, value] of Object.entries(parts.dataEquals ?? {})) {
    if (!/^[A-Za-z_]\w*$/.test(field)) throw new TypeError(`not a plain field name: ${field}`);
    clauses.push(`data.${field} = ${quoteLiteral(value)}`);
  }
  if (parts.where !== undefined && parts.where.trim() !== '') clauses.push(clauses.length > 0 ? `(${parts.where})` : parts.where);
  const where = clauses.length > 0 ? ` | where ${clauses.join(' and ')}` : '';
  return `search "${scope}"${where} | sort by datetime desc`;
}

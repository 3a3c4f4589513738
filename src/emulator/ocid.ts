import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** An OCID of the shape the service issues: ocid1.<kind>.oc1.<region>.<60 base32 characters>. */
export function newOcid(kind: string, regionKey = 'iad'): string {
  return `ocid1.${kind}.oc1.${regionKey}.amaaaaaa${base32(52)}`;
}

/** Tenancy and compartment OCIDs have no region part. */
export function newGlobalOcid(kind: 'tenancy' | 'compartment' | 'user'): string {
  return `ocid1.${kind}.oc1..aaaaaaaa${base32(52)}`;
}

/** An opc-request-id like the service's: 32 upper-case hex characters in groups. */
export function newRequestId(): string {
  const hex = randomBytes(16).toString('hex').toUpperCase();
  return `${hex.slice(0, 32)}/${hex.slice(0, 16)}/${hex.slice(16, 32)}`;
}

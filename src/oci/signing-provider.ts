import type { KeyObject } from 'node:crypto';
import type { AuthenticationDetailsProvider } from 'oci-common';
import type { SigningKey } from './connection-settings.js';

function pemOf(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * The SDK's view of a key that can change (a session token re-read after
 * `oci session refresh`, a resource principal's RPST rewritten by the
 * platform): every signature asks getSigningKey() again, so the SDK path
 * follows the same key as the PutLogs path. The SDK's signer reads the
 * private key once when built, so the first key is given up front.
 */
export function rotatingProvider(first: SigningKey, getSigningKey: () => Promise<SigningKey>): AuthenticationDetailsProvider {
  let current = first;
  let pem = pemOf(first.privateKey);
  return {
    getKeyId: async () => {
      const next = await getSigningKey();
      if (next.privateKey !== current.privateKey) pem = pemOf(next.privateKey);
      current = next;
      return next.keyId;
    },
    getPrivateKey: () => pem,
    getPassphrase: () => null,
  };
}

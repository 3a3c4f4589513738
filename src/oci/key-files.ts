import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

/** Reads a PEM private key; a missing, unreadable or undecryptable file is a ConfigError naming it. */
export async function readPrivateKey(file: string, passphrase: string | undefined, what: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${what}: key file ${file} ${code === 'ENOENT' ? 'not found' : `unreadable (${code ?? String(err)})`}`, { cause: err });
  }
  try {
    return createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  } catch (err) {
    const encrypted = /ENCRYPTED/.test(pem);
    const hint = encrypted && passphrase === undefined ? ' (it is encrypted: add pass_phrase to the profile)' : '';
    throw new ConfigError(`${what}: key file ${file} is not a usable PEM private key${hint}`, { cause: err });
  }
}

/** The OCI API key fingerprint: colon-separated MD5 of the public key's DER (SPKI) form. */
export function keyFingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('md5').update(der).digest('hex').match(/../g)!.join(':');
}

const FINGERPRINT = /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/i;

/** Checks a config file's fingerprint line, and that it belongs to the key file. */
export function checkFingerprint(fingerprint: string, key: KeyObject, what: string, keyFile: string): void {
  if (!FINGERPRINT.test(fingerprint)) {
    throw new ConfigError(`${what}: fingerprint '${fingerprint}' is not 16 colon-separated hex pairs (like 20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34)`);
  }
  const actual = keyFingerprint(key);
  if (actual !== fingerprint.toLowerCase()) {
    throw new ConfigError(`${what}: fingerprint ${fingerprint} does not match key file ${keyFile} (its fingerprint is ${actual})`);
  }
}

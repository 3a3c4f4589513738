import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '../../src/oci/key-files.js';
import { tempDir } from './temp-dir.js';

export interface TestIdentity {
  dir: string;
  configFile: string;
  keyFile: string;
  fingerprint: string;
  tenancy: string;
  user: string;
}

const keys = new Map<string, { pem: string; fingerprint: string }>();

/**
 * An RSA-2048 key made once per test run and shared (making one takes
 * 50–500 ms on a busy machine). Ask for another `name` when a test needs
 * a key that is not the usual one.
 */
export function testKey(name: 'main' | 'other' = 'main'): { pem: string; fingerprint: string; key: KeyObject } {
  let made = keys.get(name);
  if (!made) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    made = { pem, fingerprint: keyFingerprint(createPrivateKey(pem)) };
    keys.set(name, made);
  }
  return { ...made, key: createPrivateKey(made.pem) };
}

/** The run's test key and a config file using it, in a new temp folder (each test may change its own files). */
export function makeTestIdentity(extraProfileLines: string[] = [], keyName: 'main' | 'other' = 'main'): TestIdentity {
  const dir = tempDir('oci-log-id-');
  const { pem, fingerprint } = testKey(keyName);
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, pem, { mode: 0o600 });
  const tenancy = 'ocid1.tenancy.oc1..aaaaaaaatesttenancy';
  const user = 'ocid1.user.oc1..aaaaaaaatestuser';
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    ['[DEFAULT]', `user=${user}`, `fingerprint=${fingerprint}`, `tenancy=${tenancy}`, 'region=us-ashburn-1', `key_file=${keyFile}`, ...extraProfileLines, ''].join('\n'),
  );
  return { dir, configFile, keyFile, fingerprint, tenancy, user };
}

import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
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

/** A fresh RSA key and a config file using it, in a new temp folder. */
export function makeTestIdentity(extraProfileLines: string[] = []): TestIdentity {
  const dir = tempDir('oci-log-id-');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, pem, { mode: 0o600 });
  const fingerprint = keyFingerprint(createPrivateKey(pem));
  const tenancy = 'ocid1.tenancy.oc1..aaaaaaaatesttenancy';
  const user = 'ocid1.user.oc1..aaaaaaaatestuser';
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    ['[DEFAULT]', `user=${user}`, `fingerprint=${fingerprint}`, `tenancy=${tenancy}`, 'region=us-ashburn-1', `key_file=${keyFile}`, ...extraProfileLines, ''].join('\n'),
  );
  return { dir, configFile, keyFile, fingerprint, tenancy, user };
}

/**
 * The floor for Node on this machine: the same signed PutLogs requests as
 * oci-log, built with node:http and node:crypto only, batches of 1000, one at
 * a time, no options, no retries. Reads all of stdin first.
 * Usage: node minimal-client.js ENDPOINT CONFIG_FILE PROFILE LOG_OCID < lines
 */
import { createHash, createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [endpoint = '', configFile = '', profile = '', logId = ''] = process.argv.slice(2);
const config = readFileSync(configFile, 'utf8').split('\n');
const at = config.indexOf(`[${profile}]`);
const kv: Record<string, string> = {};
for (const line of config.slice(at + 1)) {
  if (line.startsWith('[')) break;
  const eq = line.indexOf('=');
  if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1);
}
const keyId = `${kv['tenancy']}/${kv['user']}/${kv['fingerprint']}`;
const key = createPrivateKey(readFileSync(kv['key_file'] ?? '', 'utf8'));
const url = new URL(endpoint);
const agent = new Agent({ keepAlive: true });
const path = `/20200831/logs/${logId}/actions/push`;

function send(body: Buffer): Promise<void> {
  const date = new Date().toUTCString();
  const sha = createHash('sha256').update(body).digest('base64');
  const signing = `date: ${date}\n(request-target): post ${path}\nhost: ${url.host}\ncontent-length: ${body.length}\ncontent-type: application/json\nx-content-sha256: ${sha}`;
  const signature = createSign('sha256').update(signing).sign(key, 'base64');
  const headers = {
    date,
    host: url.host,
    'content-length': String(body.length),
    'content-type': 'application/json',
    'x-content-sha256': sha,
    authorization: `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="date (request-target) host content-length content-type x-content-sha256",signature="${signature}"`,
  };
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const lines = readFileSync(0, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();
for (let i = 0; i < lines.length; i += 1000) {
  const now = new Date().toISOString();
  const entries = lines.slice(i, i + 1000).map((data) => ({ data, id: randomUUID(), time: now }));
  const body = Buffer.from(JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries, source: 'bench', type: 'bench', defaultlogentrytime: now }] }));
  await send(body);
}
agent.destroy();

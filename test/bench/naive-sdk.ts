/**
 * The naive design: the OCI SDK's LoggingClient.putLogs per batch of 1000.
 * Usage: node naive-sdk.js ENDPOINT CONFIG_FILE PROFILE LOG_OCID < lines
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

process.env['OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED'] = 'false';
const [endpoint = '', configFile = '', profile = '', logId = ''] = process.argv.slice(2);
const common = await import('oci-common');
const ingestion = await import('oci-loggingingestion');
const client = new ingestion.LoggingClient({ authenticationDetailsProvider: new common.ConfigFileAuthenticationDetailsProvider(configFile, profile) });
client.endpoint = endpoint;
const lines = readFileSync(0, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();
for (let i = 0; i < lines.length; i += 1000) {
  const now = new Date();
  const entries = lines.slice(i, i + 1000).map((data) => ({ data, id: randomUUID(), time: now }));
  await client.putLogs({ logId, putLogsDetails: { specversion: '1.0', logEntryBatches: [{ entries, source: 'bench', type: 'bench', defaultlogentrytime: now }] } });
}
client.close();

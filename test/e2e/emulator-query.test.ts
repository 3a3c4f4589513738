import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain as runInProcess } from '../helpers/run-main.js';
import { spec } from '../helpers/query.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawResponse } from '../helpers/raw-signer.js';

/** oci-log in-process, its stdout as text. */
async function runMain(args: readonly string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runInProcess(args, { env });
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr };
}

const DAY_START = '2019-01-03T00:00:00Z';
const DAY_END = '2019-01-04T00:00:00Z';

interface SearchBody {
  results: Array<{ data: Record<string, unknown> }>;
  fields?: Array<{ fieldName: string; fieldType: string }>;
}

/** The query language end to end: raw HTTP, the OCI SDK, and oci-log query, against the emulator. */
describe('the query language against the emulator', function () {
  let emu: TestEmulator;
  let scope = '';
  let logId = '';
  let signer: ReturnType<typeof keyFromConfig>;

  const call = (path: string, body: unknown): Promise<RawResponse> => signedRequest({ method: 'POST', url: `${emu.url}${path}`, body: JSON.stringify(body), ...signer });
  const search = (searchQuery: string, extra: Record<string, unknown> = {}, query = ''): Promise<RawResponse> =>
    call(`/20190909/search${query}`, { timeStart: DAY_START, timeEnd: DAY_END, searchQuery, ...extra });
  const results = async (searchQuery: string): Promise<Array<Record<string, unknown>>> => {
    const r = await search(searchQuery);
    expect(r.status, r.body).to.equal(200);
    return (JSON.parse(r.body) as SearchBody).results.map((x) => x.data);
  };
  const push = async (entries: Array<Record<string, unknown>>): Promise<void> => {
    const r = await call(`/20200831/logs/${logId}/actions/push`, { specversion: '1.0', logEntryBatches: [{ entries, source: 'app-host', type: 'app', defaultlogentrytime: DAY_START }] });
    expect(r.status, r.body).to.equal(200);
  };

  before(async () => {
    // The specification's example times are from 2019: far older than any log's retention.
    emu = await startEmulator({ ignoreRetention: true });
    signer = keyFromConfig(emu.configFile, emu.profile);
    logId = await emu.createLog(await emu.createLogGroup('ql'), 'app');
    scope = `search "${emu.tenancy}/ql/app"`;
    // The specification's example stream, one entry per row, at the row's own time.
    await push(spec.stream.map((row, i) => ({ id: `spec-${i}`, data: JSON.stringify(row), time: `${String(row['timestamp'])}.000Z` })));
  });
  after(async () => emu.stop());

  it('answers aggregate rows in the result shape: the columns in data, no logContent', async () => {
    expect(await results(`${scope} | count`)).to.deep.equal([{ count: 6 }]);
    expect(await results(`${scope} | summarize count() by data.level as level, rounddown(datetime, '1m') | where level = 'ERROR'`)).to.deep.equal([
      { level: 'ERROR', datetime: Date.parse('2019-01-03T00:04:00Z'), count: 1 },
      { level: 'ERROR', datetime: Date.parse('2019-01-03T00:06:00Z'), count: 2 },
    ]);
    expect(await results(`${scope} | top 2 by data.impact | select data.host as host, data.impact as impact`)).to.deep.equal([
      { host: 'host2', impact: 5 },
      { host: 'host2', impact: 4 },
    ]);
  });

  it('matches oracle.* fields, fields only in their own case, and logContent = a whole value', async () => {
    expect(await results(`${scope} | where oracle.logid = '${logId}' and oracle.tenantid = '${emu.tenancy}' | count`)).to.deep.equal([{ count: 6 }]);
    expect(await results(`${scope} | where data.LEVEL = 'ERROR' | count`)).to.deep.equal([{ count: 0 }]);
    expect(await results(`${scope} | where logContent = 'ERROR' | count`)).to.deep.equal([{ count: 3 }]);
    const [first] = await results(`${scope} | top 1 by datetime`);
    expect((first?.['logContent'] as { oracle: Record<string, string> }).oracle).to.include({ logid: logId, tenantid: emu.tenancy });
  });

  it('refuses a bad query with 400 InvalidParameter naming the problem and its position, never a 500', async () => {
    const bad = async (q: string, message: RegExp): Promise<void> => {
      const r = await search(q);
      expect(r.status, r.body).to.equal(400);
      expect(JSON.parse(r.body)).to.include({ code: 'InvalidParameter' });
      expect((JSON.parse(r.body) as { message: string }).message).to.match(message);
    };
    await bad(`${scope} | where data.msg = 'it''s'`, /^searchQuery: two strings in a row: a quote inside a string is written \\' .* at position \d+$/);
    await bad(`${scope} | where ${'('.repeat(20_000)}true${')'.repeat(20_000)}`, /nests more than 200 levels deep/);
    await bad(`${scope} | where ${Array(20_000).fill('1').join('+')} > 1`, /more than 400 levels deep/);
    await bad(`${scope} | limit 3`, /position/);
  });

  it('still searches a log holding one line nested 4,900 levels deep (it comes back as text)', async () => {
    const deep = `{"a":${'['.repeat(4900)}${']'.repeat(4900)}}`;
    await push([{ id: 'deep', data: deep, time: '2019-01-03T12:00:00.000Z' }]);
    const r = await search(scope, { isReturnFieldInfo: true });
    expect(r.status, r.body.slice(0, 200)).to.equal(200);
    const body = JSON.parse(r.body) as SearchBody;
    const found = body.results.find((x) => (x.data['logContent'] as { id: string }).id === 'deep');
    expect((found?.data['logContent'] as { data: unknown }).data).to.deep.equal({ message: deep });
    expect(await results(`${scope} | where logContent = '*[[[[*' | count`)).to.deep.equal([{ count: 1 }]);
  });

  it('serves aggregate rows to the OCI SDK as they are', async () => {
    process.env['OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED'] = 'false';
    const common = await import('oci-common');
    const searchSdk = await import('oci-loggingsearch');
    const client = new searchSdk.LogSearchClient({ authenticationDetailsProvider: new common.ConfigFileAuthenticationDetailsProvider(emu.configFile, emu.profile) });
    client.endpoint = emu.url;
    try {
      const r = await client.searchLogs({
        searchLogsDetails: { timeStart: new Date(DAY_START), timeEnd: new Date(DAY_END), searchQuery: `${scope} | where isnotnull(data.level) | summarize avg(data.impact) as impact by data.level as level | sort by level`, isReturnFieldInfo: true },
      });
      expect(r.searchResponse.results?.map((x) => x.data)).to.deep.equal([
        { level: 'ERROR', impact: 11 / 3 },
        { level: 'INFO' },
        { level: 'WARNING', impact: 1 },
      ]);
      expect(r.searchResponse.fields?.map((f) => `${f.fieldName}:${f.fieldType}`)).to.deep.equal(['level:STRING', 'impact:NUMBER']);
      expect(r.searchResponse.summary.resultCount).to.equal(3);
    } finally {
      client.close();
    }
  });

  it('oci-log query prints an aggregate query as a table, JSON lines and JSON', async () => {
    const q = `/* errors per minute */ ${scope} | where isnotnull(data.level) | summarize count() as n by rounddown(datetime, '1m'), data.level as level | sort by datetime, level`;
    const run = (output: string) => runMain(['query', '--log-ocid', logId, '--query', q, '--since', DAY_START, '--until', DAY_END, '--output', output], emu.env);
    const text = await run('text');
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.equal(
      [
        'datetime                  level    n',
        '2019-01-03T00:04:00.000Z  ERROR    1',
        '2019-01-03T00:04:00.000Z  INFO     1',
        '2019-01-03T00:05:00.000Z  WARNING  1',
        '2019-01-03T00:06:00.000Z  ERROR    2',
        '2019-01-03T00:06:00.000Z  INFO     1',
        '',
      ].join('\n'),
    );
    const rows = [
      { datetime: Date.parse('2019-01-03T00:04:00Z'), level: 'ERROR', n: 1 },
      { datetime: Date.parse('2019-01-03T00:04:00Z'), level: 'INFO', n: 1 },
      { datetime: Date.parse('2019-01-03T00:05:00Z'), level: 'WARNING', n: 1 },
      { datetime: Date.parse('2019-01-03T00:06:00Z'), level: 'ERROR', n: 2 },
      { datetime: Date.parse('2019-01-03T00:06:00Z'), level: 'INFO', n: 1 },
    ];
    const jsonl = await run('jsonl');
    expect(jsonl.code, jsonl.stderr).to.equal(0);
    expect(jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).to.deep.equal(rows);
    const json = await run('json');
    expect(json.code, json.stderr).to.equal(0);
    expect(JSON.parse(json.stdout)).to.deep.equal(rows);
    const counted = await runMain(['query', '--log-ocid', logId, '--query', `${scope} | where isnotnull(data.level) | count`, '--since', DAY_START, '--until', DAY_END], emu.env);
    expect(counted.stdout).to.equal('count\n6\n');
    const picked = await runMain(['query', '--log-ocid', logId, '--query', `${scope} | where isnotnull(data.level) | count`, '--since', DAY_START, '--until', DAY_END, '--fields', 'time'], emu.env);
    expect(picked.stdout, '--fields does not apply to rows').to.equal('count\n6\n');
    expect(picked.stderr).to.contain('--fields picks fields of entries');
  });
});

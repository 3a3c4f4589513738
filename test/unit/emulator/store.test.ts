import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { DataDirError, Store } from '../../../src/emulator/store.js';
import type { StoredEntry } from '../../../src/emulator/store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const tenancy = 'ocid1.tenancy.oc1..aaaaaaaatest';
const entry = (id: string): StoredEntry => ({ id, data: id, time: 1, source: 's', type: 't', ingested: 2 });

function storeWithLog(options: { dataDir?: string; max?: number } = {}): { store: Store; logId: string } {
  const store = new Store({ tenancy, dataDir: options.dataDir, maxEntriesPerLog: options.max ?? 100, discardEntries: false });
  const group = store.createLogGroup({ compartmentId: tenancy, displayName: 'g' });
  const log = store.createLog(group, { displayName: 'l', logType: 'CUSTOM', isEnabled: true, retentionDuration: 30 });
  return { store, logId: log.id };
}

describe('emulator store', () => {
  it('drops the oldest entries beyond the cap, exactly, and counts every entry received', () => {
    const { store, logId } = storeWithLog({ max: 3 });
    store.append(logId, [entry('a'), entry('b')]);
    store.append(logId, [entry('c'), entry('d'), entry('e')]);
    expect(store.entriesOf(logId).map((e) => e.id)).to.deep.equal(['c', 'd', 'e']);
    expect(store.entryCounts()[logId]).to.equal(5);
  });

  it('reloads groups, logs and entries from the data dir, capped, past a line torn by a crash', () => {
    const dataDir = tempDir();
    const { store, logId } = storeWithLog({ dataDir });
    store.append(logId, [entry('a'), entry('b'), entry('c')]);
    appendFileSync(join(dataDir, 'entries', `${logId}.jsonl`), '{"id":"torn","da');
    const again = new Store({ tenancy, dataDir, maxEntriesPerLog: 2, discardEntries: false });
    expect([...again.logs.keys()]).to.deep.equal([logId]);
    expect(again.entriesOf(logId).map((e) => e.id)).to.deep.equal(['b', 'c']);
  });

  it('forgets a deleted log\'s entries on disk too', () => {
    const dataDir = tempDir();
    const { store, logId } = storeWithLog({ dataDir });
    store.append(logId, [entry('a')]);
    store.deleteLog(logId);
    expect(existsSync(join(dataDir, 'entries', `${logId}.jsonl`))).to.equal(false);
    const again = new Store({ tenancy, dataDir, maxEntriesPerLog: 10, discardEntries: false });
    expect(again.entriesOf(logId)).to.deep.equal([]);
    expect(JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')).logs).to.deep.equal([]);
  });

  it('refuses a state.json it did not write, naming it', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'state.json'), '{"not": "ours"}');
    expect(() => new Store({ tenancy, dataDir, maxEntriesPerLog: 10, discardEntries: false })).to.throw(DataDirError, /state\.json/);
  });
});

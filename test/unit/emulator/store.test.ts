import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { DataDirError, Store, entryBytes } from '../../../src/emulator/store.js';
import type { LogGroupRecord, StoredEntry } from '../../../src/emulator/store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const tenancy = 'ocid1.tenancy.oc1..aaaaaaaatest';
const entry = (id: string): StoredEntry => ({ id, data: id, time: 1, source: 's', type: 't', ingested: 2 });

function storeWithLog(options: { dataDir?: string; max?: number; maxStoredBytes?: number } = {}): { store: Store; logId: string } {
  const store = new Store({ tenancy, dataDir: options.dataDir, maxEntriesPerLog: options.max ?? 100, maxStoredBytes: options.maxStoredBytes, discardEntries: false });
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

  describe('the bytes all logs keep together', () => {
    const sized = (id: string, ingested: number): StoredEntry => ({ id, data: 'x'.repeat(1000), time: 1, source: 's', type: 't', ingested });
    const size = entryBytes(sized('a00', 0)); // every id here is 3 characters

    it('evicts the oldest entries of any log beyond the cap, and counts them per log', () => {
      const { store, logId } = storeWithLog({ max: 1_000_000, maxStoredBytes: 10 * size });
      const group = store.logGroups.get(store.logs.get(logId)?.logGroupId ?? '') as LogGroupRecord;
      const other = store.createLog(group, { displayName: 'm', logType: 'CUSTOM', isEnabled: true, retentionDuration: 30 }).id;
      for (let i = 0; i < 6; i++) store.append(logId, [sized(`a0${i}`, i * 2)]);
      for (let i = 0; i < 6; i++) store.append(other, [sized(`b0${i}`, i * 2 + 1)]);
      // 12 entries, room for 10: the two oldest go, a00 (ingested 0) and b00 (1)
      expect(store.storedBytes()).to.equal(10 * size);
      expect(store.entriesOf(logId).map((e) => e.id)).to.deep.equal(['a01', 'a02', 'a03', 'a04', 'a05']);
      expect(store.entriesOf(other).map((e) => e.id)).to.deep.equal(['b01', 'b02', 'b03', 'b04', 'b05']);
      expect(store.evictedCounts()).to.deep.equal({ [logId]: 1, [other]: 1 });
      // one batch bigger than the cap keeps its newest part
      store.append(logId, Array.from({ length: 25 }, (_, i) => sized(`c${String(i).padStart(2, '0')}`, 100)));
      expect(store.storedBytes()).to.be.at.most(10 * size);
      expect(store.entriesOf(logId).map((e) => e.id)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `c${i + 15}`));
      expect(store.entriesOf(other)).to.deep.equal([]);
    });

    it('counts down what --max-entries drops and a deleted log held', () => {
      const { store, logId } = storeWithLog({ max: 3, maxStoredBytes: 100 * size });
      store.append(logId, [sized('a00', 1), sized('b00', 2), sized('c00', 3), sized('d00', 4)]);
      expect(store.storedBytes()).to.equal(3 * size);
      store.deleteLog(logId);
      expect(store.storedBytes()).to.equal(0);
    });

    it('applies the cap to what a data dir holds when it is loaded', () => {
      const dataDir = tempDir();
      const { store, logId } = storeWithLog({ dataDir, maxStoredBytes: 100 * size });
      store.append(logId, [sized('a00', 1), sized('b00', 2), sized('c00', 3)]);
      const again = new Store({ tenancy, dataDir, maxEntriesPerLog: 100, maxStoredBytes: 2 * size, discardEntries: false });
      expect(again.entriesOf(logId).map((e) => e.id)).to.deep.equal(['b00', 'c00']);
      expect(again.evictedCounts()).to.deep.equal({ [logId]: 1 });
    });
  });
});

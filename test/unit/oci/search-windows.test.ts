import { expect } from 'chai';
import type { LogEntry } from '../../../src/core/query/entries.js';
import { searchPages } from '../../../src/oci/log-search.js';
import type { SdkClients } from '../../../src/oci/sdk-clients.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');

/** A search client answering after `delayMs`, `perWindow` results per window, newest first; records how many calls overlap. */
function slowSearch(perWindow: number, delayMs: number) {
  let running = 0;
  let most = 0;
  const calls: string[] = [];
  const client = {
    searchLogs: async (req: { searchLogsDetails: { timeStart: Date; timeEnd: Date }; limit: number; page?: string }) => {
      running++;
      most = Math.max(most, running);
      const end = req.searchLogsDetails.timeEnd.getTime();
      calls.push(`${new Date(end).toISOString().slice(0, 10)}:${req.page ?? '0'}`);
      await new Promise((r) => setTimeout(r, delayMs));
      running--;
      const from = Number(req.page ?? '0');
      const n = Math.min(req.limit, perWindow - from);
      const results = Array.from({ length: n }, (_, i) => ({ data: { datetime: end - 1 - from - i, logContent: { id: `${end}-${from + i}`, time: new Date(end - 1 - from - i).toISOString(), data: { message: 'x' } } } }));
      return { searchResponse: { results }, opcNextPage: from + n < perWindow ? String(from + n) : undefined };
    },
  };
  const clients = { management: () => Promise.reject(new Error('unused')), search: () => Promise.resolve(client), close: () => undefined } as unknown as SdkClients;
  return { clients, calls, most: () => most };
}

describe('searching: windows read ahead', () => {
  it('reads the next window while a large one is consumed, and still gives pages in window order', async () => {
    const s = slowSearch(2500, 5);
    const pages: LogEntry[][] = [];
    for await (const page of searchPages(s.clients, 'q', NOW - 30 * DAY, NOW, { limit: 100_000 })) pages.push(page);
    const times = pages.flat().map((e) => Date.parse(e.time));
    expect(times).to.have.length(7500);
    expect(times.every((t, i) => i === 0 || t < (times[i - 1] as number)), 'newest first throughout').to.equal(true);
    expect(s.most(), 'two windows at once').to.be.at.least(2);
  });

  it('reads nothing ahead when the newest window meets the limit, and stops reading ahead when the limit is met', async () => {
    const small = slowSearch(2500, 1);
    let n = 0;
    for await (const page of searchPages(small.clients, 'q', NOW - 30 * DAY, NOW, { limit: 500 })) n += page.length;
    expect(n).to.equal(500);
    expect(small.calls).to.deep.equal(['2026-11-25:0']);
    const met = slowSearch(2500, 2);
    let m = 0;
    for await (const page of searchPages(met.clients, 'q', NOW - 30 * DAY, NOW, { limit: 3000 })) m += page.length;
    expect(m).to.equal(3000);
    expect(met.calls.filter((c) => c.startsWith('2026-10-28')), 'the third window is never read').to.deep.equal([]);
  });
});

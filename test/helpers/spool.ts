import { readdirSync } from 'node:fs';
import type { TestEmulator } from './emulator.js';

/** The segment files in a spool folder (none when it does not exist). */
export function segmentsIn(spool: string): string[] {
  try {
    return readdirSync(spool).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
}

/** A log's entries' data, each id once (delivery is at least once: a crash can send an entry twice). */
export async function uniqueData(emu: TestEmulator, log: string): Promise<string[]> {
  const entries = await emu.entries(log);
  return [...new Map(entries.map((e) => [e.id, e.data])).values()];
}

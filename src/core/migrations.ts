/**
 * Older save formats are brought up to date through an ordered list of
 * migrations, each taking format N to N+1. Pure: the store decides whether to write.
 */
import { FORMAT_VERSION } from './journal.js';

export interface Migration {
  from: number;
  describe: string;
  up(header: Record<string, unknown>, events: unknown[]): { header: Record<string, unknown>; events: unknown[] };
}

export const MIGRATIONS: Migration[] = [];

export function migrate(rawHeader: unknown, events: unknown[]): { header: unknown; events: unknown[]; applied: string[] } {
  let header = rawHeader as Record<string, unknown>;
  const applied: string[] = [];
  for (let format = Number(header.format); format < FORMAT_VERSION; format++) {
    const m = MIGRATIONS.find((x) => x.from === format);
    if (!m) break;
    ({ header, events } = m.up(header, events));
    applied.push(m.describe);
  }
  return { header, events, applied };
}

/**
 * A save store that keeps journals in memory: `pack test` plays many throwaway games
 * and must not leave saves behind. Events go through the same checked JSON line the
 * file store writes, so what a test sees is what a save would hold, and a turn that
 * could not be saved fails here too.
 */
import { SaveConflict, UsageError } from '../core/errors.js';
import { journalLine, summarize, type Header, type JournalEvent } from '../core/journal.js';
import type { LoadedSave, SaveStore, SlotSummary } from '../engine/ports.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const saved = <T extends Header | JournalEvent>(value: T, where: string): T => JSON.parse(journalLine(value, where)) as T;

export class MemorySaveStore implements SaveStore {
  private readonly journals = new Map<string, { header: Header; events: JournalEvent[] }>();

  exists(slot: string): Promise<boolean> {
    return Promise.resolve(this.journals.has(slot));
  }

  /** Like the file store: a fork's `events` come along with its header. (async: a bad line rejects, never throws) */
  async create(header: Header, events: readonly JournalEvent[] = []): Promise<void> {
    if (this.journals.has(header.slot)) throw new UsageError(`slot "${header.slot}" already exists`);
    const where = this.describe(header.slot);
    this.journals.set(header.slot, { header: saved(header, where), events: events.map((e) => saved(e, where)) });
  }

  async append(slot: string, event: JournalEvent): Promise<void> {
    const journal = this.journals.get(slot);
    if (!journal) throw new UsageError(`no saved game "${slot}"`);
    const next = journal.events.reduce((n, e) => (e.type === 'turn' ? Math.max(n, e.id + 1) : n), 0);
    if (event.type === 'turn' && event.id !== next) throw new SaveConflict(this.describe(slot), event.id, next);
    journal.events.push(saved(event, this.describe(slot)));
  }

  load(slot: string): Promise<LoadedSave> {
    const journal = this.journals.get(slot);
    if (!journal) return Promise.reject(new UsageError(`no saved game "${slot}"`));
    return Promise.resolve({ header: copy(journal.header), events: copy(journal.events), warnings: [] });
  }

  /** Latest first, as the port's users (`continue` without a slot) expect. */
  list(): Promise<SlotSummary[]> {
    const slots = [...this.journals.entries()].map(([slot, { header, events }]): SlotSummary => {
      const { turns, lastPlayed, ending } = summarize(header, events);
      return { slot, header: copy(header), turns, lastPlayed, ending: ending ? `${ending.outcome}: ${ending.reason}` : null };
    });
    return Promise.resolve(slots.sort((a, b) => b.lastPlayed.localeCompare(a.lastPlayed)));
  }

  remove(slot: string): Promise<void> {
    this.journals.delete(slot);
    return Promise.resolve();
  }

  describe(slot: string): string {
    return `memory:${slot}`;
  }
}

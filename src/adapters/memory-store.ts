/**
 * A save store that keeps journals in memory: `pack test` plays many throwaway games
 * and must not leave saves behind. Events are copied through JSON, as the file store
 * would write them, so what a test sees is what a save would hold.
 */
import { UsageError } from '../core/errors.js';
import { fold, mainLine, type Header, type JournalEvent } from '../core/journal.js';
import type { LoadedSave, SaveStore, SlotSummary } from '../engine/ports.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemorySaveStore implements SaveStore {
  private readonly journals = new Map<string, { header: Header; events: JournalEvent[] }>();

  exists(slot: string): Promise<boolean> {
    return Promise.resolve(this.journals.has(slot));
  }

  create(header: Header): Promise<void> {
    if (this.journals.has(header.slot)) return Promise.reject(new UsageError(`slot "${header.slot}" already exists`));
    this.journals.set(header.slot, { header: copy(header), events: [] });
    return Promise.resolve();
  }

  append(slot: string, event: JournalEvent): Promise<void> {
    const journal = this.journals.get(slot);
    if (!journal) return Promise.reject(new UsageError(`no saved game "${slot}"`));
    journal.events.push(copy(event));
    return Promise.resolve();
  }

  load(slot: string): Promise<LoadedSave> {
    const journal = this.journals.get(slot);
    if (!journal) return Promise.reject(new UsageError(`no saved game "${slot}"`));
    return Promise.resolve({ header: copy(journal.header), events: copy(journal.events), warnings: [] });
  }

  list(): Promise<SlotSummary[]> {
    return Promise.resolve(
      [...this.journals.entries()].map(([slot, { header, events }]) => {
        const last = mainLine(fold(events)).at(-1);
        const over = last?.turn.game_over;
        return { slot, header, turns: mainLine(fold(events)).length, lastPlayed: last?.at ?? header.created, ending: over ? `${over.outcome}: ${over.reason}` : null };
      }),
    );
  }

  remove(slot: string): Promise<void> {
    this.journals.delete(slot);
    return Promise.resolve();
  }

  describe(slot: string): string {
    return `memory:${slot}`;
  }
}

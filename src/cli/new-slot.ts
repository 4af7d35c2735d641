/**
 * A slot for a new game whose name the player did not choose. Two `play`s started in the same
 * minute may draw the same name; the slot's lock file, created exclusively (a hard link that
 * fails when it exists), decides which one gets it, and the journal's own exclusive create
 * still refuses to write over a save. The loser draws again instead of failing.
 */
import { SlotBusy, UsageError } from '../core/errors.js';
import type { FileSaveStore } from '../adapters/file-store.js';
import type { SlotLock } from '../adapters/slot-lock.js';
import { sampleStore } from './saved-games.js';

/** Draws before giving up: a clash needs the same minute and the same random suffix. */
const DRAWS = 8;

export interface ClaimedSlot {
  slot: string;
  lock: SlotLock;
}

/** The first name from `draw` that no other process holds and no save (or bundled sample) has, locked. */
export async function claimFreshSlot(store: FileSaveStore, draw: () => string): Promise<ClaimedSlot> {
  for (let i = 0; i < DRAWS; i++) {
    const slot = draw();
    const lock = await store.lock(slot).catch((err: unknown) => {
      if (err instanceof SlotBusy) return null; // another new game drew it first
      throw err;
    });
    if (!lock) continue;
    if (!(await store.exists(slot)) && !(await sampleStore().exists(slot))) return { slot, lock };
    lock.release();
  }
  throw new UsageError(`could not find a free slot name after ${DRAWS} tries; name one with --slot`);
}

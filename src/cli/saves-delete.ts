/** `promptquest saves delete <slot>`: asks first on a terminal; elsewhere only with --yes. */
import { InterruptedError, isPromptInterrupt, UsageError } from '../core/errors.js';
import { summarize } from '../core/journal.js';
import type { FileSaveStore } from '../adapters/file-store.js';
import { commandWords, findSave } from './saved-games.js';
import type { Messages } from '../core/messages/en.js';
import { regularFileText, removeUnusedPictures } from '../adapters/picture-files.js';
import { io } from './io.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** "lighthouse, 12 turns, win" — or that it cannot be read (a damaged save may still be deleted) — and the words to speak in. */
async function describeSave(store: FileSaveStore, slot: string): Promise<{ what: string; m: Messages }> {
  const save = await store.load(slot).catch(() => null);
  const m = await commandWords(save?.header ?? null);
  if (!save) return { what: m.saves.damagedSave, m };
  const s = summarize(save.header, save.events);
  return { what: m.saves.describe(save.header.pack.id, s.turns, s.ending?.outcome ?? null), m };
}

async function askToDelete(slot: string, what: string, w: Messages['saves']): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: w.confirmDelete(slot, what), default: false });
  } catch (err) {
    if (isPromptInterrupt(err)) throw new InterruptedError('Interrupted; nothing was deleted.');
    throw err;
  }
}

export async function deleteSave(slotArg: string, opts: { yes?: boolean | undefined }): Promise<number> {
  const { store, slot, sample } = await findSave(slotArg);
  if (sample) throw new UsageError(`"${slot}" is a bundled sample game, not one of your saves; there is nothing to delete`);
  // A game in progress is not deleted under its player: the slot's lock is taken first.
  const lock = await store.lock(slot);
  try {
    return await deleteLocked(store, slot, opts);
  } finally {
    lock.release();
  }
}

async function deleteLocked(store: FileSaveStore, slot: string, opts: { yes?: boolean | undefined }): Promise<number> {
  const terminal = !!io().stdin.isTTY && !!io().stdout.isTTY;
  if (!opts.yes && !terminal) throw new UsageError(`not deleting "${slot}" without a confirmation: no terminal to ask on; pass --yes to delete it`);
  const described = opts.yes ? null : await describeSave(store, slot);
  if (described && !(await askToDelete(slot, described.what, described.m.saves))) {
    io().stdout.write(`${described.m.saves.kept(slot)}\n`);
    return 0;
  }
  const words = described?.m ?? (await commandWords((await store.load(slot).catch(() => null))?.header ?? null));
  // Read before it goes (a regular file only: a FIFO is never opened): its pictures may go with it.
  const journal = await regularFileText(store.file(slot));
  await store.remove(slot);
  // Its transcript goes with it: a new game in the same slot would otherwise append to it. Its
  // pictures too, unless a fork of this game names them in its own journal.
  await rm(join(store.dir, `${slot}.transcript.txt`), { force: true });
  const pictures = (await removeUnusedPictures(store.dir, slot, journal)).length;
  io().stdout.write(`${words.saves.deleted(slot, pictures)}\n`);
  return 0;
}

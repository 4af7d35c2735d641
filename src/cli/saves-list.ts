/** `promptquest saves list`: every saved game, damaged ones included (with their problem), then the samples. */
import type { DamagedSlot, SaveEntry } from '../adapters/file-store.js';
import { displayWidth, padEnd, padStart, wrapText } from '../adapters/ui/width.js';
import { hang } from '../adapters/ui/layout.js';
import { sanitizeText } from '../core/sanitize.js';
import { clip, commandWords, lineWidth, sampleStore, shortTime, userStore } from './saved-games.js';
import { io } from './io.js';
import { en, type Messages } from '../core/messages/en.js';

const out = (line = '') => io().stdout.write(`${line}\n`);
/** A sentence of ours, wrapped to the terminal. */
const say = (text: string) => out(wrapText(text, lineWidth()));

function jsonLines(saves: SaveEntry[], damaged: DamagedSlot[], sample: boolean): void {
  for (const s of saves) {
    out(JSON.stringify({
      type: 'save', slot: s.slot, sample, pack: s.header.pack.id, pack_version: s.header.pack.version,
      turns: s.turns, last_played: s.lastPlayed, ending: s.summary.ending, file: s.file,
    }));
  }
  for (const d of damaged) out(JSON.stringify({ type: 'damaged', slot: d.slot, sample, problem: d.problem, file: d.file }));
}

/** Columns of everything but the ending in a table row. */
const FIXED = 2 + 2 + 2 + 5 + 2 + 16 + 2;
/** Below this many columns for the ending, each save is shown as a small block instead of a row. */
const MIN_ENDING = 12;

/**
 * The saves as a table at `width` columns (display widths: a Chinese pack id or ending
 * takes two a character); when even a short ending would not fit, one block per save,
 * its slot name whole on a line of its own (a name is what you type, so it is never cut).
 */
export function savesTable(saves: SaveEntry[], damaged: DamagedSlot[], width: number, w: Messages['saves'] = en.saves): string[] {
  // At least as wide as the column's heading (four columns in English, six for 故事包).
  const slotW = Math.max(displayWidth(w.columns.slot), ...[...saves, ...damaged].map((s) => displayWidth(sanitizeText(s.slot))));
  const packW = Math.max(displayWidth(w.columns.pack), ...saves.map((s) => displayWidth(clip(s.header.pack.id, 20))));
  const rest = width - (FIXED + slotW + packW);
  if (rest < MIN_ENDING) return savesBlocks(saves, damaged, width, w);
  const c = w.columns;
  const lines = [`  ${padEnd(c.slot, slotW)}  ${padEnd(c.pack, packW)}  ${padStart(c.turns, 5)}  ${padEnd(c.lastPlayed, 16)}  ${c.ending}`];
  for (const s of saves) {
    const { ending } = s;
    lines.push(`  ${padEnd(sanitizeText(s.slot), slotW)}  ${padEnd(clip(s.header.pack.id, packW), packW)}  ${padStart(String(s.turns), 5)}  ${padEnd(shortTime(s.lastPlayed), 16)}  ${ending ? clip(ending, rest) : '—'}`);
  }
  for (const d of damaged) lines.push(`  ${padEnd(sanitizeText(d.slot), slotW)}  ${w.damaged(clip(d.problem, Math.max(12, width - slotW - 14)))}`);
  return lines;
}

function savesBlocks(saves: SaveEntry[], damaged: DamagedSlot[], width: number, w: Messages['saves']): string[] {
  const detail = (text: string) => hang('    ', text, width).split('\n');
  const name = (slot: string) => `  ${sanitizeText(slot)}`;
  const lines: string[] = [];
  for (const s of saves) {
    const turns = w.turnCount(s.turns);
    // The time first: at the start of its line it is never split between date and hour.
    lines.push(name(s.slot), ...detail(`${shortTime(s.lastPlayed)} · ${clip(s.header.pack.id, width - 4)} · ${turns}`));
    const { ending } = s;
    if (ending) lines.push(...detail(clip(ending, 2 * (width - 4))));
  }
  for (const d of damaged) lines.push(name(d.slot), ...detail(w.damaged(clip(d.problem, 3 * (width - 4)))));
  return lines;
}

export async function listSaves(opts: { json?: boolean | undefined }): Promise<number> {
  const user = userStore();
  const mine = await user.scan();
  const samples = await sampleStore().scan();
  if (opts.json) {
    jsonLines(mine.saves, mine.damaged, false);
    jsonLines(samples.saves, samples.damaged, true);
    return 0;
  }
  const w = (await commandWords()).saves;
  if (mine.saves.length + mine.damaged.length === 0) say(w.none(user.dir));
  else {
    say(w.heading(user.dir));
    for (const line of savesTable(mine.saves, mine.damaged, lineWidth(), w)) out(line);
  }
  if (samples.saves.length + samples.damaged.length > 0) {
    out();
    say(w.samples);
    for (const line of savesTable(samples.saves, samples.damaged, lineWidth(), w)) out(line);
  }
  return 0;
}

/** `promptquest saves list`: every saved game, damaged ones included (with their problem), then the samples. */
import type { DamagedSlot, SaveEntry } from '../adapters/file-store.js';
import { displayWidth, padEnd, padStart } from '../adapters/ui/width.js';
import { clip, lineWidth, sampleStore, shortTime, userStore } from './saved-games.js';
import { io } from './io.js';

const out = (line = '') => io().stdout.write(`${line}\n`);

function jsonLines(saves: SaveEntry[], damaged: DamagedSlot[], sample: boolean): void {
  for (const s of saves) {
    out(JSON.stringify({
      type: 'save', slot: s.slot, sample, pack: s.header.pack.id, pack_version: s.header.pack.version,
      turns: s.turns, last_played: s.lastPlayed, ending: s.summary.ending, file: s.file,
    }));
  }
  for (const d of damaged) out(JSON.stringify({ type: 'damaged', slot: d.slot, sample, problem: d.problem, file: d.file }));
}

function table(saves: SaveEntry[], damaged: DamagedSlot[]): void {
  const slotW = Math.max(4, ...[...saves, ...damaged].map((s) => displayWidth(clip(s.slot, 40))));
  const packW = Math.max(4, ...saves.map((s) => displayWidth(clip(s.header.pack.id, 20))));
  const rest = lineWidth() - (2 + slotW + 2 + packW + 2 + 5 + 2 + 16 + 2);
  out(`  ${padEnd('SLOT', slotW)}  ${padEnd('PACK', packW)}  TURNS  ${padEnd('LAST PLAYED', 16)}  ENDING`);
  for (const s of saves) {
    const ending = s.summary.ending ? clip(`${s.summary.ending.outcome}: ${s.summary.ending.reason}`, Math.max(12, rest)) : '—';
    out(`  ${padEnd(clip(s.slot, slotW), slotW)}  ${padEnd(clip(s.header.pack.id, packW), packW)}  ${padStart(String(s.turns), 5)}  ${padEnd(shortTime(s.lastPlayed), 16)}  ${ending}`);
  }
  for (const d of damaged) out(`  ${padEnd(clip(d.slot, slotW), slotW)}  DAMAGED: ${clip(d.problem, Math.max(30, lineWidth() - slotW - 14))}`);
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
  if (mine.saves.length + mine.damaged.length === 0) out(`No saved games yet in ${user.dir}. Start one with: promptquest play`);
  else {
    out(`Saved games in ${user.dir} (resume one with: promptquest continue <slot>):`);
    table(mine.saves, mine.damaged);
  }
  if (samples.saves.length + samples.damaged.length > 0) {
    out();
    out('Sample games, bundled and read-only (watch one with: promptquest replay <slot>):');
    table(samples.saves, samples.damaged);
  }
  return 0;
}

/**
 * Judging one `pack test` playthrough against its expectations. Pure: the CLI plays
 * the game through the real engine and hands the result here.
 */
import type { PackTest } from './pack.js';
import type { GameOver } from './reply.js';
import { ownValue, type GameState } from './state.js';
import { normalise } from './judge.js';

export interface Playthrough {
  /** State at the end of the playthrough. */
  state: GameState;
  gameOver: GameOver | null;
  /** Every narration of the playthrough: as shown, and as authored by the script. */
  narrations: string[];
  /** Inputs given after the game had ended, which were never played. */
  unplayed: number;
}

const list = (items: readonly string[]) => (items.length ? items.map((i) => `"${i}"`).join(', ') : 'nothing');

/** Why the playthrough does not meet the expectations; empty when it does. */
export function unmetExpectations(expect: PackTest['expect'], p: Playthrough): string[] {
  const failures: string[] = [];
  const where = p.gameOver ? `ended "${p.gameOver.outcome}" in scene "${p.state.scene ?? '?'}"` : `still playing in scene "${p.state.scene ?? '?'}"`;
  if (expect.outcome && p.gameOver?.outcome !== expect.outcome) failures.push(`expected outcome "${expect.outcome}", but the game is ${where}`);
  if (expect.scene !== undefined && p.state.scene !== expect.scene) failures.push(`expected scene "${expect.scene}", but the game is ${where}`);
  const missing = (expect.inventory_has ?? []).filter((i) => !p.state.inventory.includes(i));
  if (missing.length) failures.push(`inventory lacks ${list(missing)} (holds ${list(p.state.inventory)})`);
  const extra = (expect.inventory_lacks ?? []).filter((i) => p.state.inventory.includes(i));
  if (extra.length) failures.push(`inventory still holds ${list(extra)}`);
  for (const [flag, value] of Object.entries(expect.flags ?? {})) {
    const actual = ownValue(p.state.flags, flag) ?? false;
    if (actual !== value) failures.push(`flag "${flag}" is ${actual}, expected ${value}`);
  }
  for (const [stat, value] of Object.entries(expect.stats ?? {})) {
    const actual = ownValue(p.state.stats, stat);
    if (actual !== value) failures.push(`stat "${stat}" is ${actual ?? 'not kept'}, expected ${value}`);
  }
  // Compared loosely (case, width, punctuation, line breaks), as authors quote from YAML.
  if (expect.says !== undefined && !p.narrations.some((n) => normalise(n).includes(normalise(expect.says ?? '')))) {
    failures.push(`no narration says "${expect.says}"`);
  }
  if (p.unplayed > 0) failures.push(`the game ended with ${p.unplayed} input(s) still unplayed`);
  return failures;
}

/** Lore entries injected only when triggered, under a budget; what is dropped is reported. */
import type { LoreEntry } from './pack.js';
import { keywordsIn } from './judge.js';

export interface LoreSelection {
  included: LoreEntry[];
  /** Triggered but over the budget: reported to the author (--verbose, pack preview). */
  dropped: LoreEntry[];
}

export function selectLore(entries: readonly LoreEntry[], context: string, budget: number): LoreSelection {
  const mentioned = keywordsIn(context);
  const triggered = entries
    .filter((e) => e.keywords.some(mentioned))
    .sort((a, b) => b.priority - a.priority);
  const included: LoreEntry[] = [];
  const dropped: LoreEntry[] = [];
  let used = 0;
  for (const e of triggered) {
    if (used + e.text.length <= budget) {
      included.push(e);
      used += e.text.length;
    } else dropped.push(e);
  }
  return { included, dropped };
}

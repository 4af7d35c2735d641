/**
 * What a status line shows (where the player is, the pack's stats by their labels, what
 * is held) and what a turn changed ("Warmth 5 → 4", "+ brass key"): data only; the ui
 * words and lays it out.
 */
import type { Manifest, Pack } from './pack.js';
import { ownValue, type GameState } from './state.js';

/** Who narrates, for the banner at the start: the server is shown without credentials. */
export interface NarratorInfo {
  provider: 'offline' | 'openai';
  model: string | null;
  server: string | null;
  /** The context window in tokens, as learned (null offline). */
  window: number | null;
}

export interface StatView {
  label: string;
  value: number;
  max: number | null;
}

export interface StatusView {
  title: string;
  /** The scene's title, where the pack gives one. */
  place: string | null;
  turn: number;
  stats: StatView[];
  items: number;
  /** Tokens the game has used, where the server reported any (null offline). */
  tokens: number | null;
}

export interface StateChangeView {
  stats: { label: string; from: number; to: number }[];
  gained: string[];
  lost: string[];
}

/** Every stat's label from the manifest ("warmth" -> "Warmth"; a stat without one keeps its name). */
export const statLabels = (manifest: Manifest): Record<string, string> =>
  Object.fromEntries(Object.entries(manifest.state.stats).map(([name, d]) => [name, d.label ?? name]));

/** A stat's label from the pack ("Warmth"), else its name. */
const statLabel = (pack: Pack, name: string): string => ownValue(pack.manifest.state.stats, name)?.label ?? name;

/** The scene's title, where the pack gives one; free play has no scenes. */
function placeOf(pack: Pack, state: GameState): string | null {
  if (!pack.script || !state.scene) return null;
  return ownValue(pack.script.scenes, state.scene)?.title ?? null;
}

export function statusOf(pack: Pack, state: GameState, turn: number, tokens: number | null): StatusView {
  const defs = pack.manifest.state.stats;
  return {
    title: pack.manifest.title,
    place: placeOf(pack, state),
    turn,
    stats: Object.entries(state.stats).map(([name, value]) => ({ label: statLabel(pack, name), value, max: ownValue(defs, name)?.max ?? null })),
    items: state.inventory.length,
    tokens,
  };
}

/** What changed from one state to the next: stats in the pack's order, items gained and lost. */
export const stateChanges = (pack: Pack, before: GameState, after: GameState): StateChangeView =>
  changesBetween(before, after, (name) => statLabel(pack, name));

/** The same, with each stat named by `label` (the storybook has the pack's labels, not always the pack). */
export function changesBetween(before: GameState, after: GameState, label: (name: string) => string): StateChangeView {
  const stats = Object.entries(after.stats)
    .filter(([name, to]) => ownValue(before.stats, name) !== undefined && ownValue(before.stats, name) !== to)
    .map(([name, to]) => ({ label: label(name), from: ownValue(before.stats, name) ?? 0, to }));
  return {
    stats,
    gained: after.inventory.filter((i) => !before.inventory.includes(i)),
    lost: before.inventory.filter((i) => !after.inventory.includes(i)),
  };
}

export const nothingChanged = (c: StateChangeView): boolean => c.stats.length === 0 && c.gained.length === 0 && c.lost.length === 0;

/**
 * The flags that are set, as the player reads them: the pack's labels, and unlabelled flags
 * left out as internal; a pack that labels none shows its flag names as words ("lamp lit").
 */
export function flagLabels(pack: Pack, state: GameState): string[] {
  const labels = pack.manifest.state.flag_labels;
  const set = Object.entries(state.flags).filter(([, on]) => on).map(([name]) => name);
  if (!labels) return set.map((name) => name.replace(/[_-]+/g, ' '));
  return set.flatMap((name) => {
    const label = ownValue(labels, name);
    return label ? [label] : [];
  });
}

/**
 * Applying changes to the game state. Both authored effects and model proposals
 * go through here, so the state model's rules (stat ranges, held items) hold for both.
 */
import type { Condition, Effects, StateModel } from './pack.js';
import type { StateChanges } from './reply.js';
import { ownValue, type GameState } from './state.js';

export interface Applied {
  state: GameState;
  /** Plain-words notes on what was refused or adjusted, told to the model next turn. */
  notes: string[];
}

function clampStat(model: StateModel, name: string, value: number, notes: string[]): number {
  const def = ownValue(model.stats, name);
  if (!def) return value;
  const clamped = Math.min(def.max, Math.max(def.min, value));
  if (clamped !== value) notes.push(`${name} stays within ${def.min}..${def.max} (now ${clamped})`);
  return clamped;
}

/** Authored effects: trusted, but stat ranges still hold. */
export function applyEffects(state: GameState, effects: Effects | undefined, model: StateModel): Applied {
  const notes: string[] = [];
  if (!effects) return { state, notes };
  const inventory = state.inventory.filter((i) => !(effects.remove_items ?? []).includes(i));
  for (const item of effects.add_items ?? []) if (!inventory.includes(item)) inventory.push(item);
  const stats = { ...state.stats };
  for (const [name, delta] of Object.entries(effects.stats ?? {})) {
    stats[name] = clampStat(model, name, (ownValue(stats, name) ?? 0) + delta, notes);
  }
  const flags = { ...state.flags, ...(effects.flags ?? {}) };
  return { state: { ...state, inventory, stats, flags }, notes };
}

/**
 * Model proposals: untrusted. Unknown stats and items not held are refused with a
 * note instead of applied, so the model cannot conjure or lose things the rules forbid.
 */
export function applyProposal(state: GameState, changes: StateChanges, model: StateModel): Applied {
  const notes: string[] = [];
  const inventory = [...state.inventory];
  for (const item of changes.remove_items) {
    const at = inventory.indexOf(item);
    if (at < 0) notes.push(`cannot remove "${item}": the player does not hold it`);
    else inventory.splice(at, 1);
  }
  for (const item of changes.add_items) if (!inventory.includes(item)) inventory.push(item);
  const stats = { ...state.stats };
  for (const { name, delta } of changes.stats) {
    // Own names only: "toString" or "constructor" must not pass as declared stats.
    if (!Object.hasOwn(model.stats, name)) notes.push(`unknown stat "${name}" ignored`);
    else stats[name] = clampStat(model, name, (ownValue(stats, name) ?? 0) + delta, notes);
  }
  const flags = { ...state.flags };
  for (const { name, value } of changes.flags) {
    // Like stats, flags come from the state model: a model cannot invent new ones.
    if (!Object.hasOwn(flags, name) && !Object.hasOwn(model.flags, name)) notes.push(`unknown flag "${name}" ignored`);
    else flags[name] = value;
  }
  return { state: { ...state, inventory, stats, flags }, notes };
}

export function holds(condition: Condition | undefined, state: GameState): boolean {
  if (!condition) return true;
  const has = condition.has ?? [];
  const lacks = condition.lacks ?? [];
  if (!has.every((i) => state.inventory.includes(i))) return false;
  if (lacks.some((i) => state.inventory.includes(i))) return false;
  for (const [flag, value] of Object.entries(condition.flags ?? {})) {
    if ((ownValue(state.flags, flag) ?? false) !== value) return false;
  }
  for (const [stat, min] of Object.entries(condition.stat_at_least ?? {})) {
    if ((ownValue(state.stats, stat) ?? 0) < min) return false;
  }
  for (const [stat, max] of Object.entries(condition.stat_below ?? {})) {
    if ((ownValue(state.stats, stat) ?? 0) >= max) return false;
  }
  return true;
}

/** The game state the engine keeps. The model only proposes changes to it. */
import { z } from 'zod';
import type { Manifest } from './pack.js';

export const GameState = z.object({
  scene: z.string().nullable().describe('current scene of the authored script, if any'),
  stats: z.record(z.string(), z.number()),
  inventory: z.array(z.string()),
  flags: z.record(z.string(), z.boolean()),
  vars: z.record(z.string(), z.string()),
  /** Wrong answers given to the current scene's riddle. */
  misses: z.number().int().nonnegative(),
  /** Scenes whose riddle was answered right: a riddle pays out once (optional: older saves lack it). */
  solved: z.array(z.string()).optional(),
  /** A free-play riddle the model posed and the player has not yet answered (optional: older saves lack it). */
  riddle: z.object({ id: z.string(), misses: z.number().int().nonnegative() }).optional(),
});
export type GameState = z.infer<typeof GameState>;

/**
 * The value a record holds under `name` itself, never one inherited from
 * Object.prototype: names come from models, packs and saves, and a stat, flag,
 * scene or variable called "toString" or "constructor" must read as absent
 * (a plain `record[name]` or `name in record` would find a function).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Player variables: the pack's defaults overridden by what the player gave. */
export function resolveVars(manifest: Manifest, given: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of manifest.variables) vars[v.name] = ownValue(given, v.name) ?? v.default;
  return vars;
}

export function initialState(manifest: Manifest, vars: Record<string, string>, scene: string | null): GameState {
  const stats: Record<string, number> = {};
  for (const [name, def] of Object.entries(manifest.state.stats)) stats[name] = def.start;
  return {
    scene,
    stats,
    inventory: [...manifest.state.inventory],
    flags: { ...manifest.state.flags },
    vars: resolveVars(manifest, vars),
    misses: 0,
  };
}

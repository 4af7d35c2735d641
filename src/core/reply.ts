/**
 * The turn contract: what a narrator (model or script) returns each turn.
 * Fields are `.nullable()`, never `.optional()`, so the schema converts to a
 * strict JSON schema for `response_format: json_schema`.
 */
import { z } from 'zod';

/** Length bounds. Sent to grammar-compiling servers so a rambling model's JSON is forced closed. */
export const LIMITS = {
  narration: 4000,
  choice: 200,
  imagePrompt: 600,
  reason: 300,
  name: 80,
  listItems: 8,
  choicesMin: 2,
  choicesMax: 6,
} as const;

const Name = z.string().max(LIMITS.name);

export const StateChanges = z.object({
  add_items: z.array(Name).max(LIMITS.listItems),
  remove_items: z.array(Name).max(LIMITS.listItems),
  stats: z.array(z.object({ name: Name, delta: z.number() })).max(LIMITS.listItems),
  flags: z.array(z.object({ name: Name, value: z.boolean() })).max(LIMITS.listItems),
});
export type StateChanges = z.infer<typeof StateChanges>;

export const NO_CHANGES: StateChanges = { add_items: [], remove_items: [], stats: [], flags: [] };

export const GameOver = z.object({
  outcome: z.enum(['win', 'lose', 'end']),
  reason: z.string().max(LIMITS.reason),
});
export type GameOver = z.infer<typeof GameOver>;

export const Reply = z.object({
  narration: z.string().min(1).max(LIMITS.narration),
  choices: z.array(z.string().min(1).max(LIMITS.choice)).min(LIMITS.choicesMin).max(LIMITS.choicesMax),
  image_prompt: z.string().max(LIMITS.imagePrompt).nullable().describe('English prompt for Midjourney'),
  state_changes: StateChanges,
  game_over: GameOver.nullable(),
});
export type Reply = z.infer<typeof Reply>;

/**
 * A turn as the engine holds it: a reply whose choices may be empty (an ending
 * from the script has none). The model itself must always offer 2-6.
 */
export const Turn = Reply.extend({
  choices: z.array(z.string().max(LIMITS.choice)).max(LIMITS.choicesMax),
});
export type Turn = z.infer<typeof Turn>;

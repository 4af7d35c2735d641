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
 * A turn as the engine holds it and the journal stores it. Deliberately without
 * the LIMITS above: those bound what we ask of a model, while a stored turn also
 * holds authored text (a step's `say` plus the next scene, an ending's reason) and
 * the image prompt with the pack's style appended, which may be longer. A save the
 * engine wrote must always load again, so nothing here may be stricter than what
 * the engine produces. Choices may be empty (an ending from the script has none).
 */
export const Turn = z.object({
  narration: z.string().min(1),
  choices: z.array(z.string()).max(LIMITS.choicesMax),
  image_prompt: z.string().nullable(),
  state_changes: z.object({
    add_items: z.array(z.string()),
    remove_items: z.array(z.string()),
    stats: z.array(z.object({ name: z.string(), delta: z.number() })),
    flags: z.array(z.object({ name: z.string(), value: z.boolean() })),
  }),
  game_over: z.object({ outcome: GameOver.shape.outcome, reason: z.string() }).nullable(),
});
export type Turn = z.infer<typeof Turn>;

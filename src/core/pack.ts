/**
 * The prompt-pack format: manifest, state model and authored script.
 * Everything here is data checked by zod; nothing in a pack is ever executed.
 * `.strict()` everywhere so an author's typo ("choises") is an error, not silence.
 */
import { z } from 'zod';
import { MIN_PACK_FORMAT, PACK_FORMAT } from './pack-format.js';

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - or _ (max 64)');

/** A condition on the game state; every listed part must hold. */
export const Condition = z
  .object({
    has: z.array(z.string()).optional().describe('items the player must hold'),
    lacks: z.array(z.string()).optional().describe('items the player must not hold'),
    flags: z.record(z.string(), z.boolean()).optional().describe('flags that must have these values'),
    stat_at_least: z.record(z.string(), z.number()).optional(),
    stat_below: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

/** Changes an authored step makes to the state. */
export const Effects = z
  .object({
    add_items: z.array(z.string()).optional(),
    remove_items: z.array(z.string()).optional(),
    stats: z.record(z.string(), z.number()).optional().describe('stat deltas'),
    flags: z.record(z.string(), z.boolean()).optional(),
  })
  .strict();
export type Effects = z.infer<typeof Effects>;

/** Where a step leads: another scene, with text shown on the way and effects applied. */
const Step = {
  goto: Id.optional().describe('scene to move to; omitted = stay'),
  say: z.string().optional().describe('text shown before the next scene'),
  effects: Effects.optional(),
  if: Condition.optional(),
};

export const ScriptChoice = z.object({ text: z.string().min(1), ...Step }).strict();
export type ScriptChoice = z.infer<typeof ScriptChoice>;

export const Intent = z
  .object({
    keywords: z.array(z.string().min(1)).min(1).describe('any one of these in the input triggers the intent'),
    /**
     * An argument put to someone. `supportive`: counts only when the input argues for it, not
     * when it threatens or dismisses ("我要烧了村子", "村子关我什么事"); `hostile`: counts only
     * when it does, so a pack can move an NPC the other way.
     */
    stance: z.enum(['supportive', 'hostile']).optional(),
    ...Step,
  })
  .strict();
export type Intent = z.infer<typeof Intent>;

export const Riddle = z
  .object({
    question: z.string().min(1),
    /** Secret: judged by the engine, never sent to a model. */
    answers: z.array(z.string().min(1)).min(1),
    success: z.object(Step).strict(),
    failure: z.object(Step).strict(),
    /** After this many wrong answers the `give_up` step runs (if given). */
    attempts: z.number().int().positive().optional(),
    give_up: z.object(Step).strict().optional(),
  })
  .strict();
export type Riddle = z.infer<typeof Riddle>;

export const Ending = z
  .object({
    outcome: z.enum(['win', 'lose', 'end']),
    reason: z.string().min(1),
    /** What happens after, told when the player asks the story to go on (offline; a model writes its own). */
    epilogue: z.string().min(1).optional(),
  })
  .strict();

export const Scene = z
  .object({
    /** Where the player is, for the status line ("The keeper's cottage"). */
    title: z.string().min(1).optional(),
    text: z.string().min(1),
    image: z.string().optional().describe('English image prompt for this scene'),
    beats: z.array(z.string()).optional().describe('what a model narrator must convey here'),
    choices: z.array(ScriptChoice).max(6).optional(),
    intents: z.array(Intent).optional(),
    riddle: Riddle.optional(),
    ending: Ending.optional(),
    /** Reply when free text matches nothing here. */
    fallback: z.string().optional(),
  })
  .strict();
export type Scene = z.infer<typeof Scene>;

export const Script = z
  .object({
    start: Id,
    scenes: z.record(Id, Scene),
  })
  .strict();
export type Script = z.infer<typeof Script>;

export const StatDef = z
  .object({ start: z.number(), min: z.number(), max: z.number(), label: z.string().optional() })
  .strict();

export const StateModel = z
  .object({
    stats: z.record(z.string(), StatDef).default({}),
    inventory: z.array(z.string()).default([]).describe('items held at the start'),
    flags: z.record(z.string(), z.boolean()).default({}),
    /** What a set flag means to the player, for /state ("lamp_lit: The lamp is lit"); unlabelled flags stay unseen. */
    flag_labels: z.record(z.string(), z.string().min(1)).optional(),
  })
  .strict();
export type StateModel = z.infer<typeof StateModel>;

export const PackVariable = z
  .object({ name: Id, prompt: z.string(), default: z.string() })
  .strict();

export const LoreEntry = z
  .object({
    id: z.string().min(1),
    keywords: z.array(z.string().min(1)).min(1),
    text: z.string().min(1),
    priority: z.number().int().default(0),
  })
  .strict();
export type LoreEntry = z.infer<typeof LoreEntry>;

export const ExampleTurn = z
  .object({ input: z.string().nullable(), reply: z.record(z.string(), z.unknown()) })
  .strict();
export type ExampleTurn = z.infer<typeof ExampleTurn>;

export const Manifest = z
  .object({
    /** The pack format version (pack-format.ts); absent means 1, the format before it was written. */
    format: z.number().int().min(MIN_PACK_FORMAT).max(PACK_FORMAT).default(PACK_FORMAT),
    id: Id,
    title: z.string().min(1),
    version: z.string().min(1),
    language: z.string().min(2).describe('BCP 47 tag, e.g. en or zh-CN'),
    description: z.string().default(''),
    author: z.string().default('unknown'),
    variables: z.array(PackVariable).default([]),
    model: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        max_tokens: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    image: z
      .object({
        style: z.string().default(''),
        suffix: z.string().default('').describe('Midjourney parameters, e.g. --ar 16:9 --v 6'),
        /** Ambiguous words and what they mean in a picture; sent when the scene mentions them. */
        glossary: z.record(z.string().min(1), z.string().min(1)).default({}).describe('term: what it means in a picture, e.g. "印章: an engraved stone stamp seal, not the animal"'),
      })
      .strict()
      .default({ style: '', suffix: '', glossary: {} }),
    /** Files inside the pack folder. */
    system: z.string().default('system.md'),
    examples: z.string().optional(),
    lore: z.string().optional(),
    riddles: z.string().optional().describe('engine-judged riddles a free-play model may pose'),
    script: z.string().optional(),
    tests: z.string().optional(),
    lore_budget: z.number().int().positive().default(1200).describe('characters of lore per turn'),
    state: StateModel.default({ stats: {}, inventory: [], flags: {} }),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

/** A pack as loaded: manifest plus the contents of its files. */
/**
 * A riddle of a free-play pack: the model poses it by id, the engine judges the answer and
 * pays the reward once. Questions are sent to the model; answers never are.
 */
export const FreeRiddle = z
  .object({
    id: Id,
    question: z.string().min(1),
    answers: z.array(z.string().min(1)).min(1),
    reward: Effects.optional(),
    /** Wrong answers allowed before the riddle is lost (no limit when absent). */
    attempts: z.number().int().positive().optional(),
  })
  .strict();
export type FreeRiddle = z.infer<typeof FreeRiddle>;

export interface Pack {
  manifest: Manifest;
  dir: string;
  /** sha256 of the pack's files, so a save knows which pack wrote it. */
  hash: string;
  systemTemplate: string;
  examples: ExampleTurn[];
  lore: LoreEntry[];
  script: Script | null;
  /** Free-play riddles (riddles file); absent or empty for most packs. */
  riddles?: FreeRiddle[] | undefined;
}

/** One authored playthrough for `pack test`: inputs in order, then what must hold. */
export const PackTest = z
  .object({
    name: z.string().min(1),
    inputs: z.array(z.string()),
    expect: z
      .object({
        outcome: z.enum(['win', 'lose', 'end']).optional().describe('the game ended this way'),
        scene: z.string().optional().describe('the scene the playthrough stands in at the end'),
        inventory_has: z.array(z.string()).optional(),
        inventory_lacks: z.array(z.string()).optional(),
        flags: z.record(z.string(), z.boolean()).optional(),
        stats: z.record(z.string(), z.number()).optional().describe('stats that have exactly these values at the end'),
        says: z.string().optional().describe('text that appears in some narration of the playthrough'),
      })
      .strict(),
  })
  .strict();
export type PackTest = z.infer<typeof PackTest>;
export const PackTests = z.array(PackTest);

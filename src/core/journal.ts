/**
 * The save journal: a header and an append-only list of events. Turns form a
 * tree (each has a parent); undo, redo, retry alternatives and branches are all
 * moves of the head over that tree, so one fold answers "where are we now".
 */
import { z } from 'zod';
import { GameState } from './state.js';
import { Turn } from './reply.js';
import { StorySummary } from './summary.js';

/**
 * 2: a bundled pack is recorded by id (`pack.dir` null), not by its install path,
 * so a save survives the package moving (nvm, reinstall) and a shared save does not
 * carry the recorder's folders; `forked_from` is always written. See migrations.ts.
 * 3: `summary` events (the rolling memory of older turns) may follow turns.
 * 4: `image` events (a picture generated for a turn, saved beside the journal) may follow turns.
 */
export const FORMAT_VERSION = 4;

export const Usage = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  /** Prompt tokens the server took from its prefix cache, where it says (prompt_tokens_details). */
  cached_tokens: z.number().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const Header = z.object({
  type: z.literal('header'),
  format: z.number().int(),
  slot: z.string(),
  /** `dir` is null for a bundled pack (found again by id), else the pack's folder. */
  pack: z.object({ id: z.string(), version: z.string(), hash: z.string(), dir: z.string().nullable() }),
  provider: z.enum(['offline', 'openai']),
  model: z.string().nullable(),
  base_url: z.string().nullable(),
  vars: z.record(z.string(), z.string()),
  created: z.string(),
  forked_from: z.object({ slot: z.string(), turn: z.number().int() }).nullable(),
});
export type Header = z.infer<typeof Header>;

export const TurnEvent = z.object({
  type: z.literal('turn'),
  id: z.number().int().nonnegative(),
  parent: z.number().int().nonnegative().nullable(),
  /** What the player typed, and what it meant ("2" -> "2. Open the door"). */
  input: z.string().nullable(),
  said: z.string().nullable(),
  raw: z.string().nullable().describe('the model reply as received, for --verbose and audits'),
  turn: Turn,
  state: GameState,
  usage: Usage.nullable(),
  calls: z.number().int().nonnegative(),
  notes: z.array(z.string()),
  at: z.string(),
});
export type TurnEvent = z.infer<typeof TurnEvent>;

export const MoveEvent = z.object({
  type: z.enum(['undo', 'redo', 'select']),
  /** The turn that becomes the head. */
  to: z.number().int().nonnegative(),
  at: z.string(),
});
export type MoveEvent = z.infer<typeof MoveEvent>;

/**
 * The story up to turn `through` (that turn included), folded into a bounded summary. It
 * belongs to the line from the opening to that turn, which is unique in the tree, so undo,
 * forks and replays reuse it as it was written and never recompute it.
 */
export const SummaryEvent = z.object({
  type: z.literal('summary'),
  through: z.number().int().nonnegative(),
  /** Turns from the opening to `through`. */
  turns: z.number().int().positive(),
  source: z.enum(['model', 'digest']),
  summary: StorySummary,
  usage: Usage.nullable(),
  at: z.string(),
});
export type SummaryEvent = z.infer<typeof SummaryEvent>;

/** A PNG saved beside the journal. Only a bare file name: a save is never a way to name other paths. */
export const IMAGE_FILE = /^[\p{L}\p{N}][\p{L}\p{N}._ -]{0,200}\.png$/u;

/**
 * The picture generated for turn `turn` from its image prompt, saved as `file` in the saves
 * folder. Recorded once per turn: replays, exports and forks use it and never generate again.
 */
export const ImageEvent = z.object({
  type: z.literal('image'),
  turn: z.number().int().nonnegative(),
  file: z.string().regex(IMAGE_FILE, 'a PNG file name without folders'),
  prompt: z.string(),
  model: z.string().nullable(),
  at: z.string(),
});
export type ImageEvent = z.infer<typeof ImageEvent>;

export const JournalEvent = z.discriminatedUnion('type', [TurnEvent, MoveEvent, SummaryEvent, ImageEvent]);
export type JournalEvent = z.infer<typeof JournalEvent>;

/** "turn.image_prompt: Too big: …": where a value's first problem is, and what it is. */
export function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
}

/**
 * The JSON line a header or event is saved as, checked with the loader's own schema on
 * exactly that text (JSON turns NaN into null and drops undefined fields). A line that
 * would not load again is a bug in the engine, never the player's doing: it throws a
 * plain Error and must not be written, since one such line makes the whole save unreadable.
 */
export function journalLine(value: Header | JournalEvent, where: string): string {
  const line = JSON.stringify(value);
  const isHeader = value.type === 'header';
  const checked = (isHeader ? Header : JournalEvent).safeParse(JSON.parse(line));
  const problem = !checked.success
    ? issueText(checked.error)
    : isHeader && value.format !== FORMAT_VERSION
      ? `format: expected ${FORMAT_VERSION}, got ${value.format}`
      : null;
  if (problem !== null) throw new Error(`refusing to save ${isHeader ? 'a header' : 'an event'} that could not be loaded again: ${problem} (${where})`);
  return `${line}\n`;
}

export interface Timeline {
  turns: Map<number, TurnEvent>;
  /** Turn number of each turn on its own line (the opening is 1), kept so no walk is needed. */
  depth: Map<number, number>;
  /** Summaries by the turn they run through. */
  summaries: Map<number, SummaryEvent>;
  /** Generated pictures by the turn they show. */
  images: Map<number, ImageEvent>;
  head: number | null;
  /** Heads undone, most recent last: /redo pops them. */
  redo: number[];
  nextId: number;
}

export function emptyTimeline(): Timeline {
  return { turns: new Map(), depth: new Map(), summaries: new Map(), images: new Map(), head: null, redo: [], nextId: 0 };
}

/**
 * One step of the fold. Not pure: it mutates and returns the given timeline, so a
 * game in progress appends a turn in O(1) instead of copying every turn held.
 * `fold` gives it a fresh timeline, which keeps `fold` itself pure.
 */
export function step(t: Timeline, e: JournalEvent): Timeline {
  if (e.type === 'summary') {
    if (t.turns.has(e.through)) t.summaries.set(e.through, e);
  } else if (e.type === 'image') {
    if (t.turns.has(e.turn)) t.images.set(e.turn, e);
  } else if (e.type === 'turn') {
    t.turns.set(e.id, e);
    t.depth.set(e.id, (e.parent === null ? 0 : (t.depth.get(e.parent) ?? 0)) + 1);
    t.head = e.id;
    t.redo = [];
    t.nextId = Math.max(t.nextId, e.id + 1);
  } else if (t.turns.has(e.to)) {
    if (e.type === 'undo' && t.head !== null) t.redo.push(t.head);
    if (e.type === 'redo') t.redo.pop();
    if (e.type === 'select') t.redo = [];
    t.head = e.to;
  }
  return t;
}

export function fold(events: readonly JournalEvent[]): Timeline {
  return events.reduce(step, emptyTimeline());
}

/**
 * The line of turns from the opening (the root) down to turn `id`, in play order;
 * empty when `id` is not in the timeline. A parent cycle (only a hand-edited save
 * could hold one) ends the walk instead of looping forever.
 */
export function lineTo(t: Timeline, id: number): TurnEvent[] {
  const line: TurnEvent[] = [];
  const seen = new Set<number>();
  for (let at: number | null = id; at !== null && !seen.has(at); ) {
    const e = t.turns.get(at);
    if (!e) break;
    seen.add(at);
    line.push(e);
    at = e.parent;
  }
  return line.reverse();
}

/** The main line: turns from the opening to the head. */
export function mainLine(t: Timeline): TurnEvent[] {
  return t.head === null ? [] : lineTo(t, t.head);
}

/** The other replies given to the same input at the same point (from /retry). */
export function alternatives(t: Timeline, id: number): TurnEvent[] {
  const me = t.turns.get(id);
  if (!me) return [];
  return [...t.turns.values()].filter((e) => e.parent === me.parent && e.input === me.input);
}

/** The turn number of turn `id` (1 for the opening), 0 when unknown. */
export const depthOf = (t: Timeline, id: number | null): number => (id === null ? 0 : (t.depth.get(id) ?? 0));

/**
 * What a model needs to remember the line ending at `id`: the newest summary on that line and
 * the turns after it, oldest first. Walks back only to that summary, so the work per turn
 * stays bounded however long the game (the fold policy keeps the unsummarised tail short).
 */
export function memoryTo(t: Timeline, id: number): { summary: SummaryEvent | null; turns: TurnEvent[] } {
  const turns: TurnEvent[] = [];
  const seen = new Set<number>();
  for (let at: number | null = id; at !== null && !seen.has(at); ) {
    const summary = t.summaries.get(at);
    if (summary) return { summary, turns: turns.reverse() };
    const e = t.turns.get(at);
    if (!e) break;
    seen.add(at);
    turns.push(e);
    at = e.parent;
  }
  return { summary: null, turns: turns.reverse() };
}

export function headTurn(t: Timeline): TurnEvent | null {
  return t.head === null ? null : (t.turns.get(t.head) ?? null);
}

export interface JournalSummary {
  /** Turns on the main line. */
  turns: number;
  /** Turns kept off the main line: undone, branches, retry alternatives. */
  offLine: number;
  /** When the save last changed: its last event, or its creation when that is later (a fork's copied turns are older). */
  lastPlayed: string;
  ending: Turn['game_over'];
}

/** The later of two ISO times; an absent or unreadable event time gives way to the creation time. */
function laterTime(event: string | undefined, created: string): string {
  if (event === undefined) return created;
  const e = Date.parse(event);
  return Number.isNaN(e) || e < Date.parse(created) ? created : event;
}

export function summarize(header: Header, events: readonly JournalEvent[]): JournalSummary {
  const t = fold(events);
  const line = mainLine(t);
  return {
    turns: line.length,
    offLine: t.turns.size - line.length,
    lastPlayed: laterTime(events.at(-1)?.at, header.created),
    ending: line.at(-1)?.turn.game_over ?? null,
  };
}

/** A turn line that repeats an earlier turn's id: where it is, and where that id was first saved. */
export interface DuplicateTurn {
  index: number;
  first: number;
}

export interface JournalCheck {
  /** The first event that cannot belong to a journal this engine wrote, with what is wrong. */
  damage: { index: number; problem: string } | null;
  /**
   * Turns saved again under an id the file already had, as two PromptQuests writing one slot at
   * once did before slots were locked (each took the next id from what it had read). The first
   * line with an id is the turn; the later ones are set aside (the caller warns, naming them).
   */
  duplicates: DuplicateTurn[];
}

/**
 * Whether the events hold together. Turn ids are unique and increasing; a turn's parent is an
 * earlier turn (so there are no cycles); a move and a summary name an existing turn. The one
 * exception is a racing writer's duplicate: an id seen before whose parent is an earlier turn
 * with a smaller id (so setting it aside can never make a cycle or leave a turn without its parent).
 */
export function checkJournal(events: readonly JournalEvent[]): JournalCheck {
  const firstAt = new Map<number, number>();
  const duplicates: DuplicateTurn[] = [];
  let last = -1;
  for (const [index, e] of events.entries()) {
    const first = e.type === 'turn' ? firstAt.get(e.id) : undefined;
    if (e.type === 'turn' && first !== undefined && (e.parent === null || (e.parent < e.id && firstAt.has(e.parent)))) {
      duplicates.push({ index, first });
      continue;
    }
    const problem = eventDamage(e, firstAt, last);
    if (problem) return { damage: { index, problem }, duplicates };
    if (e.type === 'turn') {
      firstAt.set(e.id, index);
      last = e.id;
    }
  }
  return { damage: null, duplicates };
}

function eventDamage(e: JournalEvent, seen: ReadonlyMap<number, number>, last: number): string | null {
  if (e.type === 'turn') {
    if (seen.has(e.id)) return `turn id ${e.id} appears twice, and the second's parent ${e.parent} is not an earlier turn`;
    if (e.id <= last) return `turn id ${e.id} comes after turn id ${last} (ids must increase; were lines moved?)`;
    if (e.parent !== null && !seen.has(e.parent)) return `turn ${e.id}'s parent ${e.parent} is not an earlier turn (a line missing or moved?)`;
    return null;
  }
  if (e.type === 'summary') return seen.has(e.through) ? null : `summary through turn ${e.through}, which is not an earlier turn`;
  if (e.type === 'image') return seen.has(e.turn) ? null : `image of turn ${e.turn}, which is not an earlier turn`;
  return seen.has(e.to) ? null : `${e.type} to turn ${e.to}, which is not an earlier turn`;
}

/** The first turn whose scene the pack's script does not have (a save from another pack version, or edited). */
export function unknownScene(events: readonly JournalEvent[], known: (scene: string) => boolean): { index: number; scene: string } | null {
  for (const [index, e] of events.entries()) {
    if (e.type === 'turn' && e.state.scene !== null && !known(e.state.scene)) return { index, scene: e.state.scene };
  }
  return null;
}

/**
 * The save journal: a header and an append-only list of events. Turns form a
 * tree (each has a parent); undo, redo, retry alternatives and branches are all
 * moves of the head over that tree, so one fold answers "where are we now".
 */
import { z } from 'zod';
import { GameState } from './state.js';
import { Turn } from './reply.js';

/**
 * 2: a bundled pack is recorded by id (`pack.dir` null), not by its install path,
 * so a save survives the package moving (nvm, reinstall) and a shared save does not
 * carry the recorder's folders; `forked_from` is always written. See migrations.ts.
 */
export const FORMAT_VERSION = 2;

export const Usage = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
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

export const JournalEvent = z.discriminatedUnion('type', [TurnEvent, MoveEvent]);
export type JournalEvent = z.infer<typeof JournalEvent>;

export interface Timeline {
  turns: Map<number, TurnEvent>;
  head: number | null;
  /** Heads undone, most recent last: /redo pops them. */
  redo: number[];
  nextId: number;
}

export function emptyTimeline(): Timeline {
  return { turns: new Map(), head: null, redo: [], nextId: 0 };
}

/** Pure step of the fold. Mutates and returns the given timeline for O(1) appends. */
export function step(t: Timeline, e: JournalEvent): Timeline {
  if (e.type === 'turn') {
    t.turns.set(e.id, e);
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

/** The main line: turns from the opening to the head. */
export function mainLine(t: Timeline): TurnEvent[] {
  const line: TurnEvent[] = [];
  for (let id = t.head; id !== null; ) {
    const e = t.turns.get(id);
    if (!e) break;
    line.push(e);
    id = e.parent;
  }
  return line.reverse();
}

/** The other replies given to the same input at the same point (from /retry). */
export function alternatives(t: Timeline, id: number): TurnEvent[] {
  const me = t.turns.get(id);
  if (!me) return [];
  return [...t.turns.values()].filter((e) => e.parent === me.parent && e.input === me.input);
}

export function headTurn(t: Timeline): TurnEvent | null {
  return t.head === null ? null : (t.turns.get(t.head) ?? null);
}

export interface JournalSummary {
  /** Turns on the main line. */
  turns: number;
  /** Turns kept off the main line: undone, branches, retry alternatives. */
  offLine: number;
  /** When the save last changed (any event), else when it was created. */
  lastPlayed: string;
  ending: Turn['game_over'];
}

export function summarize(header: Header, events: readonly JournalEvent[]): JournalSummary {
  const t = fold(events);
  const line = mainLine(t);
  return {
    turns: line.length,
    offLine: t.turns.size - line.length,
    lastPlayed: events.at(-1)?.at ?? header.created,
    ending: line.at(-1)?.turn.game_over ?? null,
  };
}

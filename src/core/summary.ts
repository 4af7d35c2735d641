/**
 * The rolling memory of a long game. Turns older than the recent window are folded, a chunk
 * at a time, into one bounded summary: prose plus key facts (people, places, promises, open
 * threads, and what the player gained or lost, with the turn). A model writes the prose when
 * one is connected; the engine always adds the facts it knows from the state itself, and
 * without a model (or when the model's summary fails) it writes a deterministic digest.
 * The size never grows with the length of the game. Pure.
 */
import { z } from 'zod';
import type { GameState } from './state.js';
import type { Turn } from './reply.js';

/** Bounds of what a summary may hold, so the request stays the same size at turn 10 and 10,000. */
export const SUMMARY_LIMITS = { text: 1400, item: 140, people: 10, places: 10, promises: 8, threads: 8, events: 16 } as const;

/**
 * A summary as stored in the journal. Without length limits, like a stored Turn: what the
 * engine wrote must always load again (the engine bounds what it writes, see boundSummary).
 */
export const StorySummary = z.object({
  text: z.string(),
  people: z.array(z.string()),
  places: z.array(z.string()),
  promises: z.array(z.string()),
  threads: z.array(z.string()),
  /** "turn 3: got the brass key": facts from the state, which no model can forget. */
  events: z.array(z.string()),
});
export type StorySummary = z.infer<typeof StorySummary>;

export const EMPTY_SUMMARY: StorySummary = { text: '', people: [], places: [], promises: [], threads: [], events: [] };

/** A turn as memory sees it: what was said, what was told, and the state after it. */
export interface RememberedTurn {
  id: number;
  /** Turn number on its line (the opening is 1). */
  n: number;
  said: string | null;
  turn: Turn;
  state: GameState;
}

/** Turns kept verbatim after the summary, normally; folds take them a chunk at a time. */
export const RECENT_TURNS = 10;
export const FOLD_CHUNK = 10;
/** Even a tight window keeps the last turns verbatim: the model must see where the story is. */
export const MIN_RECENT = 2;

/**
 * How many of the oldest unsummarised turns to fold now. Normally none until a whole chunk
 * is due, so the request's prefix changes once per chunk, not every turn. Under pressure (the
 * last request could not hold every recent turn) all but the last few are folded at once.
 */
export function foldCount(unsummarised: number, pressure: boolean): number {
  if (unsummarised >= RECENT_TURNS + FOLD_CHUNK) return unsummarised - RECENT_TURNS;
  if (pressure && unsummarised > MIN_RECENT) return unsummarised - MIN_RECENT;
  return 0;
}

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
};

/** The first sentence of a narration (Latin or CJK punctuation), for the digest. */
function firstSentence(text: string): string {
  const m = /^[\s\S]*?[.!?。！？](?=\s|$|[^.!?。！？])/u.exec(text.trim());
  return clip(m ? m[0] : text, 110);
}

const human = (id: string): string => id.replace(/[_-]+/g, ' ');

/** What the state says happened at a turn: items gained and lost, flags raised, a new place. */
function stateEvents(n: number, before: GameState | null, after: GameState, zh: boolean): string[] {
  const had = new Set(before?.inventory ?? []);
  const has = new Set(after.inventory);
  const got = after.inventory.filter((i) => !had.has(i));
  const lost = [...had].filter((i) => !has.has(i));
  const raised = Object.entries(after.flags).filter(([k, v]) => v && !(before?.flags[k] ?? false)).map(([k]) => human(k));
  const out: string[] = [];
  const at = zh ? `第${n}回合` : `turn ${n}`;
  if (got.length) out.push(`${at}: ${zh ? '得到' : 'got'} ${got.join(', ')}`);
  if (lost.length) out.push(`${at}: ${zh ? '失去' : 'no longer has'} ${lost.join(', ')}`);
  if (raised.length) out.push(`${at}: ${raised.join(', ')}`);
  return out.map((e) => clip(e, SUMMARY_LIMITS.item));
}

/**
 * Keep a list within `max`: facts about items still held stay first (the model must know
 * where they came from), then the newest of the rest; the original order is kept.
 */
function keepBounded(items: string[], max: number, held: readonly string[]): string[] {
  const unique = [...new Set(items)];
  if (unique.length <= max) return unique;
  const important = new Set(unique.filter((e) => held.some((h) => e.includes(h))).slice(-max));
  const rest = unique.filter((e) => !important.has(e));
  const keep = new Set([...important, ...rest.slice(-(max - important.size))]);
  return unique.filter((e) => keep.has(e));
}

/** Every field within SUMMARY_LIMITS: the newest list entries win, the prose keeps its start. */
export function boundSummary(s: StorySummary, held: readonly string[] = []): StorySummary {
  const list = (xs: string[], max: number) => keepBounded(xs.map((x) => clip(x, SUMMARY_LIMITS.item)).filter(Boolean), max, held);
  return {
    text: boundProse(s.text),
    people: list(s.people, SUMMARY_LIMITS.people),
    places: list(s.places, SUMMARY_LIMITS.places),
    promises: list(s.promises, SUMMARY_LIMITS.promises),
    threads: list(s.threads, SUMMARY_LIMITS.threads),
    events: list(s.events, SUMMARY_LIMITS.events),
  };
}

/**
 * Prose within the limit: the digest adds a line per fold, so when it is full the first line
 * (how the story began) stays and the oldest lines after it give way.
 */
function boundProse(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const size = (ls: string[]) => ls.join('\n').length;
  while (lines.length > 2 && size(lines) > SUMMARY_LIMITS.text) lines.splice(1, 1);
  const out = lines.join('\n');
  return out.length > SUMMARY_LIMITS.text ? clip(out, SUMMARY_LIMITS.text) : out;
}

export interface FoldInput {
  previous: StorySummary | null;
  /** The state before the first folded turn (the previous summary's last turn), if any. */
  before: GameState | null;
  turns: readonly RememberedTurn[];
  language: string;
}

/** The facts the engine itself knows about the folded turns, merged into the previous ones. */
export function foldFacts(f: FoldInput): Pick<StorySummary, 'events' | 'places'> {
  const zh = f.language.startsWith('zh');
  const events = [...(f.previous?.events ?? [])];
  const places = [...(f.previous?.places ?? [])];
  // The first fold starts at the opening, whose state is where the game began: no events of its own.
  let before = f.before ?? f.turns[0]?.state ?? null;
  for (const t of f.turns) {
    events.push(...stateEvents(t.n, before, t.state, zh));
    if (t.state.scene && t.state.scene !== before?.scene) places.push(human(t.state.scene));
    before = t.state;
  }
  return { events, places };
}

/** The deterministic summary: one line per fold of the first sentences told, plus the facts. */
export function digestSummary(f: FoldInput): StorySummary {
  const first = f.turns[0];
  const last = f.turns.at(-1);
  const held = last?.state.inventory ?? [];
  if (!first || !last) return f.previous ?? EMPTY_SUMMARY;
  const zh = f.language.startsWith('zh');
  const told = f.turns.map((t) => `${t.said ? `[${clip(t.said, 60)}] ` : ''}${firstSentence(t.turn.narration)}`).join(' ');
  const line = `${zh ? `第${first.n}–${last.n}回合` : `Turns ${first.n}–${last.n}`}: ${told}`;
  const prev = f.previous ?? EMPTY_SUMMARY;
  return boundSummary({ ...prev, text: [prev.text, line].filter(Boolean).join('\n'), ...foldFacts(f) }, held);
}

/** How much of a summary a request carries: trimming drops the prose first, then all but the events. */
export type SummaryDetail = 'full' | 'facts' | 'events';
export const SUMMARY_DETAILS: readonly SummaryDetail[] = ['full', 'facts', 'events'];

export function renderSummary(s: StorySummary, turns: number, detail: SummaryDetail, language: string): string {
  const zh = language.startsWith('zh');
  const lines = [zh ? `## 前情提要（第1–${turns}回合，摘要）` : `## Story so far (turns 1–${turns}, summarised)`];
  if (detail === 'full' && s.text) lines.push(s.text);
  const facts: [string, string, string[]][] = [
    ['People', '人物', s.people],
    ['Places', '地点', s.places],
    ['Promises', '承诺', s.promises],
    ['Open threads', '未解之事', s.threads],
  ];
  if (detail !== 'events') for (const [en, cn, xs] of facts) if (xs.length) lines.push(`${zh ? cn : en}: ${xs.join('; ')}`);
  if (s.events.length) lines.push(`${zh ? '关键事件' : 'Key events'}: ${s.events.join('; ')}`);
  return lines.join('\n');
}

/** What a model is asked to return when it summarises: bounded, so a small model cannot ramble. */
export const SummaryReply = z.object({
  summary: z.string().min(1).max(SUMMARY_LIMITS.text),
  people: z.array(z.string().max(SUMMARY_LIMITS.item)).max(SUMMARY_LIMITS.people),
  places: z.array(z.string().max(SUMMARY_LIMITS.item)).max(SUMMARY_LIMITS.places),
  promises: z.array(z.string().max(SUMMARY_LIMITS.item)).max(SUMMARY_LIMITS.promises),
  open_threads: z.array(z.string().max(SUMMARY_LIMITS.item)).max(SUMMARY_LIMITS.threads),
});
export type SummaryReply = z.infer<typeof SummaryReply>;

/** The model's summary with the engine's own facts: the events list is never the model's to drop. */
export function modelSummary(reply: SummaryReply, f: FoldInput): StorySummary {
  const facts = foldFacts(f);
  const held = f.turns.at(-1)?.state.inventory ?? [];
  return boundSummary({
    text: reply.summary,
    people: reply.people,
    places: [...reply.places, ...facts.places.filter((p) => !reply.places.includes(p))],
    promises: reply.promises,
    threads: reply.open_threads,
    events: facts.events,
  }, held);
}

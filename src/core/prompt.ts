/**
 * Building the chat request. Most stable first, so servers that cache a shared
 * prefix reuse it: system (pack prompt + rules) -> few-shot examples -> summary of
 * older turns (changes once per chunk) -> recent turns verbatim -> one last user
 * message with everything that changes each turn (state, lore, directive, input).
 * Secret riddle answers are never part of any of it.
 */
import type { Pack } from './pack.js';
import type { Turn } from './reply.js';
import type { GameState } from './state.js';
import { selectLore, type LoreSelection } from './lore.js';
import { renderTemplate } from './template.js';
import type { GameOver } from './reply.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface PastTurn {
  /** What the player said that led to this turn (null for the opening). */
  said: string | null;
  turn: Turn;
}

/** The engine's decision for this turn, which a model narrator must tell, not change. */
export interface Rails {
  event: string;
  /** The authored narration of this turn (a step's say, then the scene): retold, not copied. */
  reference: string;
  beats: string[];
  choices: string[];
  ending: GameOver | null;
}

export interface PromptInput {
  pack: Pack;
  state: GameState;
  history: PastTurn[];
  said: string | null;
  rails: Rails | null;
  notes: string[];
}

export const RECENT_TURNS = 10;
const SUMMARY_CHUNK = 10;
const SUMMARY_CHARS = 160;

function engineRules(pack: Pack): string {
  return [
    '## Engine rules',
    'Reply with ONE JSON object and nothing else: {"narration": string, "choices": [2-6 strings],',
    '"image_prompt": string|null, "state_changes": {"add_items": [], "remove_items": [], "stats": [{"name","delta"}],',
    '"flags": [{"name","value"}]}, "game_over": null|{"outcome": "win"|"lose"|"end", "reason": string}}.',
    `Write narration and choices in the pack's language (${pack.manifest.language}).`,
    'image_prompt is always English, literal and unambiguous for an image model (name objects plainly).',
    'The engine keeps the state and judges riddles and checks; you never decide whether an answer is right.',
    'When the last message holds an engine directive, narrate exactly that outcome and offer exactly its choices.',
  ].join('\n');
}

/**
 * A past turn as the assistant's reply, in the very shape of the few-shot examples:
 * a model copies the form of its earlier replies, so a shortened form would invite
 * replies with fields missing.
 */
const pastReply = (t: Turn): string =>
  JSON.stringify({ narration: t.narration, choices: t.choices, image_prompt: t.image_prompt, state_changes: t.state_changes, game_over: t.game_over });

function summary(older: PastTurn[]): ChatMessage[] {
  if (older.length === 0) return [];
  const lines = older.map((p, i) => `${i + 1}. ${p.said ? `[${p.said}] ` : ''}${p.turn.narration.slice(0, SUMMARY_CHARS)}`);
  return [{ role: 'user', content: `Story so far (older turns, abridged):\n${lines.join('\n')}` }];
}

/** Older turns are folded into the summary a whole chunk at a time, so the prefix rarely changes. */
function splitHistory(history: PastTurn[]): { older: PastTurn[]; recent: PastTurn[] } {
  const overflow = Math.max(0, history.length - RECENT_TURNS);
  const cut = Math.ceil(overflow / SUMMARY_CHUNK) * SUMMARY_CHUNK;
  return { older: history.slice(0, cut), recent: history.slice(cut) };
}

function railsText(r: Rails): string {
  const parts = [
    `## Engine directive\nWhat happened: ${r.event}`,
    `Scene (authored reference, retell it in your own words):\n${r.reference}`,
  ];
  if (r.beats.length) parts.push(`Beats to convey:\n${r.beats.map((b) => `- ${b}`).join('\n')}`);
  if (r.ending) parts.push(`This is an ending (${r.ending.outcome}: ${r.ending.reason}). Set game_over accordingly.`);
  else parts.push(`Offer exactly these choices, in order:\n${r.choices.map((c, i) => `${i + 1}. ${c}`).join('\n')}`);
  parts.push('Leave state_changes empty: the engine has applied the effects.');
  return parts.join('\n\n');
}

function lastMessage(p: PromptInput, lore: LoreSelection): string {
  const { stats, inventory, flags } = p.state;
  const parts = [`## Current state\n${JSON.stringify({ stats, inventory, flags })}`];
  if (p.notes.length) parts.push(`## Engine notes on your last proposal\n${p.notes.join('\n')}`);
  if (lore.included.length) parts.push(`## Lore\n${lore.included.map((e) => e.text).join('\n')}`);
  if (p.rails) parts.push(railsText(p.rails));
  parts.push(`## Player\n${p.said ?? '(the game begins)'}`);
  return parts.join('\n\n');
}

export function buildMessages(p: PromptInput): { messages: ChatMessage[]; lore: LoreSelection } {
  const system = renderTemplate(p.pack.systemTemplate, p.pack, p.state.vars).text;
  const examples = p.pack.examples.flatMap((ex): ChatMessage[] => [
    { role: 'user', content: `## Player\n${ex.input ?? '(the game begins)'}` },
    { role: 'assistant', content: JSON.stringify(ex.reply) },
  ]);
  const { older, recent } = splitHistory(p.history);
  const turns = recent.flatMap((t): ChatMessage[] => [
    { role: 'user', content: `## Player\n${t.said ?? '(the game begins)'}` },
    { role: 'assistant', content: pastReply(t.turn) },
  ]);
  const lastNarration = p.history.at(-1)?.turn.narration ?? '';
  const context = `${p.said ?? ''}\n${lastNarration}\n${p.rails?.reference ?? ''}`;
  const lore = selectLore(p.pack.lore, context, p.pack.manifest.lore_budget);
  const messages: ChatMessage[] = [
    { role: 'system', content: `${system}\n\n${engineRules(p.pack)}` },
    ...examples,
    ...summary(older),
    ...turns,
    { role: 'user', content: lastMessage(p, lore) },
  ];
  return { messages, lore };
}

/**
 * Building the chat request. Most stable first, so servers that cache a shared
 * prefix reuse it: system (pack prompt + rules) -> few-shot examples -> summary of
 * older turns (changes once per chunk) -> recent turns verbatim -> one last user
 * message with everything that changes each turn (state, lore, directive, input).
 * Secret riddle answers are never part of any of it.
 */
import { en } from './messages/en.js';
import type { BlockAbout, Cut } from './messages/types.js';
import type { Pack } from './pack.js';
import type { Turn } from './reply.js';
import type { GameState } from './state.js';
import { selectLore, type LoreSelection } from './lore.js';
import { renderTemplate } from './template.js';
import type { GameOver } from './reply.js';
import { renderSummary, SUMMARY_DETAILS, type RememberedTurn, type StorySummary, type SummaryDetail } from './summary.js';
import { MESSAGE_OVERHEAD, REQUEST_OVERHEAD } from './tokens.js';
import { verdictDirective, type VerdictOutcome } from './verdict.js';
import { freeRiddles, riddleRules } from './free-riddle.js';
import { glossaryFor } from './image.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A turn the model is reminded of verbatim (id, turn number, what was said, the reply, the state after). */
export type PastTurn = RememberedTurn;

export interface Rails {
  event: string;
  /** The authored narration of this turn (a step's say, then the scene): retold, not copied. */
  reference: string;
  beats: string[];
  choices: string[];
  ending: GameOver | null;
  /** The engine's verdict this turn: the reply must start with it and the narration agree. */
  verdict?: VerdictOutcome | undefined;
}

export interface PromptInput {
  pack: Pack;
  state: GameState;
  /** The rolling summary of the turns before `history`, and how many turns it covers. */
  summary: { summary: StorySummary; turns: number } | null;
  /** The turns after the summary, oldest first: sent verbatim as far as the budget allows. */
  history: PastTurn[];
  said: string | null;
  rails: Rails | null;
  notes: string[];
}

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
    ...riddleRules(freeRiddles(pack)),
  ].join('\n');
}

/**
 * A past turn as the assistant's reply, in the very shape of the few-shot examples:
 * a model copies the form of its earlier replies, so a shortened form would invite
 * replies with fields missing.
 */
const pastReply = (t: Turn): string =>
  JSON.stringify({ narration: t.narration, choices: t.choices, image_prompt: t.image_prompt, state_changes: t.state_changes, game_over: t.game_over });

function railsText(r: Rails): string {
  const parts = [
    `## Engine directive\nWhat happened: ${r.event}`,
    ...(r.verdict ? [verdictDirective(r.verdict)] : []),
    `Scene (authored reference, retell it in your own words):\n${r.reference}`,
  ];
  if (r.beats.length) parts.push(`Beats to convey:\n${r.beats.map((b) => `- ${b}`).join('\n')}`);
  if (r.ending) parts.push(`This is an ending (${r.ending.outcome}: ${r.ending.reason}). Set game_over accordingly.`);
  else parts.push(`Offer exactly these choices, in order:\n${r.choices.map((c, i) => `${i + 1}. ${c}`).join('\n')}`);
  parts.push('Leave state_changes empty: the engine has applied the effects.');
  return parts.join('\n\n');
}

/** Player text in the request is data: quoted, so it can never pass for an engine line. */
const playerLine = (said: string | null): string => `## Player\n${said === null ? '(the game begins)' : JSON.stringify(said)}`;

/** The last message without lore: state, engine notes, glossary, directive and input are never trimmed. */
function lastMessage(p: PromptInput, lore: string[], glossary: string[]): string {
  const { stats, inventory, flags } = p.state;
  const parts = [`## Current state\n${JSON.stringify({ stats, inventory, flags })}`];
  if (p.notes.length) parts.push(`## Engine notes on your last proposal\n${p.notes.join('\n')}`);
  if (lore.length) parts.push(`## Lore\n${lore.join('\n')}`);
  // Per turn, so in the last message: a word the scene uses, drawn the way the pack means it.
  if (glossary.length) parts.push(`## Image prompt glossary (what these words mean in the picture)\n${glossary.join('\n')}`);
  if (p.rails) parts.push(railsText(p.rails));
  parts.push(playerLine(p.said));
  return parts.join('\n\n');
}

/** What a request may take and how its text is counted; null builds without a budget. */
export interface PromptBudget {
  /** Tokens the messages may take (window − reply − margin − anything sent besides them). */
  tokens: number;
  count: (text: string) => number;
}

export type BlockName = 'system' | 'examples' | 'summary' | 'turns' | 'lore' | 'current';

export interface MemoryReport {
  /** Each block's share of the request, in request order (tokens include message overhead). */
  blocks: { name: BlockName; tokens: number; detail: string; about: BlockAbout }[];
  /** Tokens of the whole prompt, as counted. */
  tokens: number;
  budget: number | null;
  /** What was left out to fit, in the order it was trimmed (empty when everything fit). */
  trimmed: string[];
  /** The same, as data (for /memory in the interface language). */
  cuts: Cut[];
  /** Recent turns that could not be sent verbatim: the engine folds them into the summary next. */
  droppedTurns: number;
  /** Few-shot examples sent, from the first (a tight window leaves the later ones out). */
  examplesSent: number;
  summaryDetail: SummaryDetail | null;
}

/** The prompt cannot fit even with everything optional left out: nothing can be played. */
export class ContextTooSmall extends Error {
  constructor(readonly needed: number, readonly budget: number) {
    super(`the request needs at least ${needed} tokens but only ${budget} are available`);
  }
}

interface Parts {
  system: ChatMessage;
  examples: ChatMessage[][];
  summaries: { detail: SummaryDetail; message: ChatMessage }[];
  turns: ChatMessage[][];
  lore: LoreSelection;
  glossary: string[];
}

function parts(p: PromptInput): Parts {
  const system = renderTemplate(p.pack.systemTemplate, p.pack, p.state.vars).text;
  const examples = p.pack.examples.map((ex): ChatMessage[] => [
    { role: 'user', content: playerLine(ex.input ?? null) },
    { role: 'assistant', content: JSON.stringify(ex.reply) },
  ]);
  const turns = p.history.map((t): ChatMessage[] => [
    { role: 'user', content: playerLine(t.said) },
    { role: 'assistant', content: pastReply(t.turn) },
  ]);
  const { summary } = p;
  const summaries = summary
    ? SUMMARY_DETAILS.map((detail) => ({ detail, message: { role: 'user' as const, content: renderSummary(summary.summary, summary.turns, detail, p.pack.manifest.language) } }))
    : [];
  const lastNarration = p.history.at(-1)?.turn.narration ?? '';
  const context = `${p.said ?? ''}\n${lastNarration}\n${p.rails?.reference ?? ''}`;
  const lore = selectLore(p.pack.lore, context, p.pack.manifest.lore_budget);
  const glossary = glossaryFor(p.pack.manifest, `${context}\n${p.rails?.beats.join('\n') ?? ''}`);
  return { system: { role: 'system', content: `${system}\n\n${engineRules(p.pack)}` }, examples, summaries, turns, lore, glossary };
}

/**
 * The request's messages, most stable first, fitted to the budget. What must be sent (system
 * prompt, state, engine directive, the player's input) always is; what does not fit is left
 * out in a fixed order: few-shot examples first, then lore, then the oldest verbatim turns,
 * then summary detail. Everything left out is named in the report.
 */
export function buildMessages(p: PromptInput, budget: PromptBudget | null = null): { messages: ChatMessage[]; lore: LoreSelection; report: MemoryReport } {
  const all = parts(p);
  // Each message is counted once: fitting, the blocks and the total would count it three times.
  const counted = new Map<string, number>();
  const countText = budget?.count ?? (() => 0);
  const count = (text: string): number => {
    let n = counted.get(text);
    if (n === undefined) counted.set(text, (n = countText(text)));
    return n;
  };
  const size = (ms: readonly ChatMessage[]) => ms.reduce((n, m) => n + count(m.content) + MESSAGE_OVERHEAD, 0);
  const current = (lore: string[]): ChatMessage => ({ role: 'user', content: lastMessage(p, lore, all.glossary) });
  const fixed = REQUEST_OVERHEAD + size([all.system, current([])]);
  const limit = budget?.tokens ?? Infinity;
  if (fixed > limit) throw new ContextTooSmall(fixed, limit);
  let room = limit - fixed;
  const take = (ms: readonly ChatMessage[]): boolean => {
    const n = size(ms);
    if (n > room) return false;
    room -= n;
    return true;
  };
  // Filled in the reverse of the trimming order: the summary is the last thing to lose detail.
  const summary = all.summaries.find((s) => take([s.message])) ?? null;
  let keptTurns = 0;
  for (let i = all.turns.length - 1; i >= 0 && take(all.turns[i]!); i--) keptTurns++;
  const lore = all.lore.included.filter((e) => take([{ role: 'user', content: `${e.text}\n` }]));
  let keptExamples = 0;
  while (keptExamples < all.examples.length && take(all.examples[keptExamples]!)) keptExamples++;

  const examples = all.examples.slice(0, keptExamples).flat();
  const turns = all.turns.slice(all.turns.length - keptTurns).flat();
  const last = current(lore.map((e) => e.text));
  const messages = [all.system, ...examples, ...(summary ? [summary.message] : []), ...turns, last];
  const droppedTurns = all.turns.length - keptTurns;
  const cuts: Cut[] = [
    ...(keptExamples < all.examples.length ? [{ cut: 'examples' as const, dropped: all.examples.length - keptExamples, of: all.examples.length }] : []),
    ...all.lore.included.filter((e) => !lore.includes(e)).map((e) => ({ cut: 'lore' as const, id: e.id })),
    ...(droppedTurns ? [{ cut: 'turns' as const, n: droppedTurns }] : []),
    ...(summary && summary.detail !== 'full' ? [{ cut: 'summary-detail' as const, detail: summary.detail }] : []),
    ...(all.summaries.length && !summary ? [{ cut: 'summary' as const }] : []),
  ];
  const trimmed = cuts.map((c) => en.memory.cut(c));
  const block = (name: BlockName, ms: readonly ChatMessage[], about: BlockAbout) => ({ name, tokens: size(ms), detail: en.memory.about(about), about });
  const loreMessage = { role: 'user' as const, content: lore.length ? `## Lore\n${lore.map((e) => e.text).join('\n')}` : '' };
  const blocks = [
    block('system', [all.system], { block: 'system' }),
    block('examples', examples, { block: 'examples', kept: keptExamples, of: all.examples.length }),
    block('summary', summary ? [summary.message] : [], { block: 'summary', through: p.summary?.turns ?? null, detail: summary?.detail ?? null }),
    block('turns', turns, { block: 'turns', kept: keptTurns }),
    { ...block('lore', [], { block: 'lore', ids: lore.map((e) => e.id) }), tokens: lore.length ? count(loreMessage.content) : 0 },
    block('current', [last], { block: 'current' }),
  ];
  const report: MemoryReport = {
    blocks,
    tokens: REQUEST_OVERHEAD + size(messages),
    budget: budget?.tokens ?? null,
    trimmed,
    cuts,
    droppedTurns,
    examplesSent: keptExamples,
    summaryDetail: summary?.detail ?? null,
  };
  return { messages, lore: { included: lore, dropped: [...all.lore.dropped, ...all.lore.included.filter((e) => !lore.includes(e))] }, report };
}

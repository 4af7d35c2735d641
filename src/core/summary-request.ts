/**
 * The request that asks a model to fold older turns into the rolling summary. It fits its
 * own token budget by telling each turn more briefly, never by leaving turns out. Pure.
 */
import type { ChatMessage } from './prompt.js';
import { messagesTokens } from './tokens.js';
import type { FoldInput } from './summary.js';

/** Tokens the summary reply may take: the schema bounds it well below this. */
export const SUMMARY_REPLY_TOKENS = 700;

const INSTRUCTIONS = [
  'You keep the memory of a text adventure for its narrator.',
  'Merge the earlier summary (if any) and the new turns into ONE summary of the whole story so far.',
  'Reply with one JSON object: {"summary": string, "people": [string], "places": [string], "promises": [string], "open_threads": [string]}.',
  'summary: at most 1,200 characters of plain prose, past tense, the most important things first; keep what the earlier summary said that still matters.',
  'people, places: names with a few words each. promises: what anyone promised or owes. open_threads: questions and goals still open.',
  'Write in the story\'s language. Never invent events; never include riddle answers.',
].join('\n');

/** Shorter and shorter tellings of a turn, tried until the request fits. */
const TELLING_CHARS = [1200, 500, 200, 80];

function transcript(f: FoldInput, chars: number): string {
  return f.turns
    .map((t) => `Turn ${t.n}${t.said ? ` — player: ${JSON.stringify(t.said.slice(0, 200))}` : ''}\n${t.turn.narration.slice(0, chars)}`)
    .join('\n\n');
}

/** The messages, or null when not even the briefest telling fits `promptBudget`. */
export function summaryMessages(f: FoldInput, promptBudget: number, count: (text: string) => number): ChatMessage[] | null {
  const previous = f.previous ? `Earlier summary:\n${JSON.stringify(f.previous)}` : 'Earlier summary: (none: these are the first turns)';
  for (const chars of TELLING_CHARS) {
    const messages: ChatMessage[] = [
      { role: 'system', content: `${INSTRUCTIONS}\nLanguage: ${f.language}.` },
      { role: 'user', content: `${previous}\n\nNew turns:\n${transcript(f, chars)}` },
    ];
    if (messagesTokens(messages, count) <= promptBudget) return messages;
  }
  return null;
}

/**
 * Token counts without a tokenizer: an estimate that knows scripts (a CJK character is about
 * one token, English about four characters a token), corrected per server+model by a factor
 * learned from what the server itself counted (`usage.prompt_tokens`, or llama.cpp's
 * /tokenize). Pure.
 */

/** Han, kana, Hangul, CJK punctuation and full-width forms: about a token each. */
const WIDE = String.raw`[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3ffff}]`;
/**
 * One piece at a time: a wide character, a run of other letters and digits, or any other visible
 * character. One regular expression over the text, not two per character: every request counts
 * its whole prompt, and a long game counts it more than once.
 */
const PIECE = new RegExp(String.raw`(${WIDE})|((?:(?!${WIDE})[\p{L}\p{N}])+)|\S`, 'gu');

/** Chat templates wrap each message in a few tokens of their own (role, separators). */
export const MESSAGE_OVERHEAD = 4;
/** And each request in a few more (the assistant turn's opening). */
export const REQUEST_OVERHEAD = 3;

/** Code points, not UTF-16 units: a letter outside the BMP is one character of a run. */
const codePoints = (s: string): number => {
  let n = s.length;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) === 0xdc00) n--;
  return n;
};

/**
 * A deliberately generous estimate: runs of letters and digits at ~3.5 characters a token
 * (BPE vocabularies of small local models split English finer than GPT's four), every other
 * visible character a token of its own, wide characters a token each, spaces free.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECE)) tokens += m[2] === undefined ? 1 : Math.ceil(codePoints(m[2]) / 3.5);
  return tokens;
}

export interface CountedMessage {
  content: string;
}

/** Tokens a list of chat messages takes in a prompt, with `count` for the text itself. */
export function messagesTokens(messages: readonly CountedMessage[], count: (text: string) => number): number {
  return messages.reduce((sum, m) => sum + count(m.content) + MESSAGE_OVERHEAD, REQUEST_OVERHEAD);
}

/** A factor is believed only within these bounds: a wild usage report must not blow up the budget. */
const FACTOR_MIN = 0.25;
const FACTOR_MAX = 4;

/**
 * The next correction factor after the server counted `actual` tokens for a prompt we
 * estimated at `estimated`. Moves fast upwards (an under-count overflows the window) and
 * slowly downwards (an over-count only wastes a little room).
 */
export function nextFactor(previous: number | null, estimated: number, actual: number): number {
  if (!(estimated > 0) || !(actual > 0)) return previous ?? 1;
  const seen = Math.min(FACTOR_MAX, Math.max(FACTOR_MIN, actual / estimated));
  if (previous === null) return seen;
  return seen > previous ? seen : previous * 0.7 + seen * 0.3;
}

/** A counter: the estimate times the learned factor, rounded up. */
export const calibratedCounter = (factor: number) => (text: string): number => Math.ceil(estimateTokens(text) * factor);

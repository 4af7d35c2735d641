/**
 * Token counts without a tokenizer: an estimate that knows scripts (a CJK character is about
 * one token, English about four characters a token), corrected per server+model by a factor
 * learned from what the server itself counted (`usage.prompt_tokens`, or llama.cpp's
 * /tokenize). Pure.
 */

/** Han, kana, Hangul, CJK punctuation and full-width forms: about a token each. */
const WIDE = /[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3ffff}]/u;
const WORD = /[\p{L}\p{N}]/u;

/** Chat templates wrap each message in a few tokens of their own (role, separators). */
export const MESSAGE_OVERHEAD = 4;
/** And each request in a few more (the assistant turn's opening). */
export const REQUEST_OVERHEAD = 3;

const isAsciiWord = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
/** What `String.prototype.trim` removes, within ASCII: tab, line feed, vertical tab, form feed, return, space. */
const isAsciiSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * A deliberately generous estimate: runs of letters and digits at ~3.5 characters a token
 * (BPE vocabularies of small local models split English finer than GPT's four), every other
 * visible character a token of its own, wide characters a token each, spaces free.
 * ASCII is told by its code, other characters by their Unicode class: every request counts its
 * whole prompt, often more than once, and this was the engine's busiest function.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let word: boolean;
    let visible = true;
    if (c < 128) {
      word = isAsciiWord(c);
      visible = !isAsciiSpace(c);
    } else {
      const point = text.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(point);
      if (point > 0xffff) i++;
      if (WIDE.test(ch)) {
        tokens += Math.ceil(run / 3.5) + 1;
        run = 0;
        continue;
      }
      word = WORD.test(ch);
      visible = ch.trim() !== '';
    }
    if (word) run++;
    else {
      tokens += Math.ceil(run / 3.5) + (visible ? 1 : 0);
      run = 0;
    }
  }
  return tokens + Math.ceil(run / 3.5);
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

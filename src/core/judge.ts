/**
 * Judging what the player typed: keywords (for lore) and choice numbers; riddle answers
 * live in answer.ts, free text against a scene's options in intent.ts.
 * The engine judges, never the model, so a lenient model cannot accept "fire" for "wind".
 */

import { compact, normalise } from './fold.js';

export { normalise } from './fold.js';
export { judgeAnswer } from './answer.js';

const ASCII_WORDS = /^[a-z0-9 ]+$/;

// A keyword right after one of these is being refused, not chosen ("我不想进入遗迹", "I won't enter").
const ZH_NEGATIONS = ['不', '没', '别', '勿', '莫', '不要', '不想', '没有'];
const EN_NEGATIONS = ['not', 'dont', 'never', 'no', 'cant', 'wont', 'cannot', 'shouldnt', 'without'];

/** Some occurrence of `kw` in `text` that is not negated by what stands right before it. */
function occursUnnegated(text: string, kw: string, negated: (before: string) => boolean): boolean {
  for (let at = text.indexOf(kw); at >= 0; at = text.indexOf(kw, at + 1)) {
    if (!negated(text.slice(0, at))) return true;
  }
  return false;
}

/**
 * Whether the input asks for what a keyword names. Latin keywords match whole words
 * ("enter" not in "center"); CJK keywords match anywhere, spaces ignored; an occurrence
 * straight after a negation ("don't enter", "不进去") does not count.
 */
export function mentions(input: string, keyword: string): boolean {
  return keywordsIn(input)(keyword);
}

/**
 * `mentions` for many keywords against one text: the text is folded once, not once per keyword.
 * Lore and the image glossary test every keyword of a pack against the recent story each turn,
 * and folding it again for each made most of a long game's garbage.
 */
export function keywordsIn(input: string): (keyword: string) => boolean {
  let spaced: string | null = null;
  let dense: string | null = null;
  return (keyword) => {
    const kw = normalise(keyword);
    if (!kw) return false;
    if (ASCII_WORDS.test(kw)) {
      spaced ??= ` ${normalise(input)} `;
      return occursUnnegated(spaced, ` ${kw} `, (before) => EN_NEGATIONS.some((n) => before.endsWith(` ${n}`)));
    }
    dense ??= compact(input);
    return occursUnnegated(dense, compact(keyword), (before) => ZH_NEGATIONS.some((n) => before.endsWith(n)));
  };
}

export function sameText(a: string, b: string): boolean {
  return compact(a) === compact(b);
}

/** "3", "３", " 3. " -> 3; anything else -> null. */
export function choiceNumber(input: string): number | null {
  const m = /^\s*(\d{1,2})\s*[.)、]?\s*$/u.exec(input.normalize('NFKC'));
  return m?.[1] ? Number(m[1]) : null;
}

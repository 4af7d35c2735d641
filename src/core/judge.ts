/**
 * Judging what the player typed: riddle answers and intent keywords.
 * The engine judges, never the model, so a lenient model cannot accept "fire" for "wind".
 */

/** Full-width to half-width, lower case, punctuation and symbols to spaces, spaces collapsed. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

const compact = (text: string): string => normalise(text).replace(/ /g, '');

// Filler around an answer: "答案是风吧", "I think it's an echo". Longest first.
const ZH_PREFIXES = ['我觉得答案是', '我认为答案是', '答案应该是', '我觉得是', '我认为是', '应该是', '答案是', '我猜是', '我猜', '谜底是', '是不是', '是'];
const ZH_SUFFIXES = ['吧', '吗', '呢', '啊', '呀', '了', '嘛'];
const EN_PREFIXES = ['the answer is', 'my answer is', 'i think it is', 'i think its', 'i think', 'it must be', 'it is', 'its', 'is it', 'maybe', 'perhaps', 'a', 'an', 'the'];

function stripFiller(text: string): string {
  let out = normalise(text);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of EN_PREFIXES) {
      if (out.startsWith(`${p} `)) { out = out.slice(p.length + 1); changed = true; }
    }
    for (const p of ZH_PREFIXES) {
      if (out.startsWith(p) && out.length > p.length) { out = out.slice(p.length).trim(); changed = true; }
    }
    for (const s of ZH_SUFFIXES) {
      if (out.endsWith(s) && out.length > s.length) { out = out.slice(0, -s.length).trim(); changed = true; }
    }
  }
  return out.replace(/ /g, '');
}

/** True when the input, once filler is stripped, equals one of the answers. */
export function judgeAnswer(input: string, answers: readonly string[]): boolean {
  const given = stripFiller(input);
  if (!given) return false;
  return answers.some((a) => stripFiller(a) === given);
}

const ASCII_WORDS = /^[a-z0-9 ]+$/;

/**
 * Whether a keyword occurs in the input. Latin keywords match whole words
 * ("enter" not in "center"); CJK keywords match anywhere, spaces ignored.
 */
export function mentions(input: string, keyword: string): boolean {
  const kw = normalise(keyword);
  if (!kw) return false;
  if (ASCII_WORDS.test(kw)) return ` ${normalise(input)} `.includes(` ${kw} `);
  return compact(input).includes(compact(keyword));
}

export function sameText(a: string, b: string): boolean {
  return compact(a) === compact(b);
}

/** "3", "３", " 3. " -> 3; anything else -> null. */
export function choiceNumber(input: string): number | null {
  const m = /^\s*(\d{1,2})\s*[.)、]?\s*$/u.exec(input.normalize('NFKC'));
  return m?.[1] ? Number(m[1]) : null;
}

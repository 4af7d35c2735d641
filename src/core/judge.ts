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
  const kw = normalise(keyword);
  if (!kw) return false;
  if (ASCII_WORDS.test(kw)) {
    return occursUnnegated(` ${normalise(input)} `, ` ${kw} `, (before) => EN_NEGATIONS.some((n) => before.endsWith(` ${n}`)));
  }
  return occursUnnegated(compact(input), compact(keyword), (before) => ZH_NEGATIONS.some((n) => before.endsWith(n)));
}

export function sameText(a: string, b: string): boolean {
  return compact(a) === compact(b);
}

/** "3", "３", " 3. " -> 3; anything else -> null. */
export function choiceNumber(input: string): number | null {
  const m = /^\s*(\d{1,2})\s*[.)、]?\s*$/u.exec(input.normalize('NFKC'));
  return m?.[1] ? Number(m[1]) : null;
}

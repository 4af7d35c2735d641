/**
 * Judging riddle answers, and keeping them out of what a model is sent.
 * An answer is accepted only when, once the framing around it is stripped, what is left
 * *is* an answer (allowing a plural, or one wrong letter in a long word): so "wind or
 * fire", "not wind" and "不是风" are refused by construction, never by a list of wrongs.
 */
import { compact, fold, isCjk, normalise } from './fold.js';
import { escapeRegExp } from './regexp.js';
import { BoundedCache } from './memo.js';

// Framing around an answer, longest first so "my answer is" goes before "my answer".
const EN_PREFIXES = [
  'i think the answer is', 'i believe the answer is', 'the answer is', 'my answer is', 'my final answer is', 'final answer',
  'my answer', 'answer is', 'answer', 'i believe it is', 'i believe its', 'i believe', 'i think it is', 'i think its',
  'i think', 'i guess its', 'i guess it is', 'i guess', 'i say', 'i said', 'could it be', 'it must be', 'must be',
  'how about', 'what about', 'is it', 'it is', 'its', 'thats', 'that is', 'maybe', 'perhaps', 'probably', 'surely',
  'please', 'ok', 'okay', 'well', 'hmm', 'um', 'uh', 'oh', 'a', 'an', 'the',
];
const EN_SUFFIXES = ['final answer', 'is my answer', 'is the answer', 'i think', 'i guess', 'i believe', 'please', 'maybe', 'right', 'surely', 'of course'];
const ZH_PREFIXES = [
  '我的最终答案是', '我觉得答案是', '我认为答案是', '我猜答案是', '我的答案是', '我的答案', '答案应该是', '答案就是', '谜底就是',
  '答案是', '答案', '谜底是', '谜底', '我觉得是', '我认为是', '我猜是', '我觉得', '我认为', '我猜', '应该是', '肯定是',
  '一定是', '大概是', '可能是', '也许是', '或许是', '是不是', '难道是', '我说', '我选', '就是', '那就是', '是',
  // Quantifiers: 一阵风, 一把稻草, 一朵云.
  '一阵', '一把', '一个', '一朵', '一片', '一股', '一根', '一束', '一团', '一缕', '一捆', '一堆',
];
const ZH_SUFFIXES = ['是最终答案', '就是答案', '对不对', '对吧', '是吧', '吧', '吗', '呢', '啊', '呀', '了', '嘛', '哦', '喔', '啦', '哈'];

function stripOnce(out: string): string {
  for (const p of EN_PREFIXES) if (out.startsWith(`${p} `)) return out.slice(p.length + 1);
  for (const s of EN_SUFFIXES) if (out.endsWith(` ${s}`)) return out.slice(0, -s.length - 1);
  for (const p of ZH_PREFIXES) if (out.startsWith(p) && out.length > p.length) return out.slice(p.length).trim();
  for (const s of ZH_SUFFIXES) if (out.endsWith(s) && out.length > s.length) return out.slice(0, -s.length).trim();
  return out;
}

/** What is left of an input once its framing is gone, spaces removed: "Answer: The Wind!" -> "wind". */
export function bareAnswer(text: string): string {
  let out = normalise(text);
  for (let prev = ''; prev !== out; ) {
    prev = out;
    out = stripOnce(out);
  }
  return out.replace(/ /g, '');
}

/** At most one letter substituted, added or dropped. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const restA = a.slice(i);
  const restB = b.slice(i);
  return restA.slice(1) === restB.slice(1) || restA.slice(1) === restB || restA === restB.slice(1);
}

/** "echoes" for "echo", "lighthose" for "lighthouse" (6+ letters only: "wind" vs "wand" is not a typo). */
function closeEnough(given: string, answer: string): boolean {
  if (given === answer) return true;
  if (!/^[a-z]+$/.test(answer)) return false;
  for (const s of ['s', 'es']) if (given === answer + s || answer === given + s) return true;
  return answer.length >= 6 && oneEditApart(given, answer);
}

/** True when the input, once framing is stripped, is one of the answers. */
export function judgeAnswer(input: string, answers: readonly string[]): boolean {
  const given = bareAnswer(input);
  if (!given) return false;
  return answers.some((a) => {
    const answer = bareAnswer(a);
    return answer !== '' && closeEnough(given, answer);
  });
}


/** Patterns by answer: every string sent to a model is checked against the same few answers. */
const patterns = new BoundedCache<string, RegExp | null>(1024);

/** A matcher for an answer inside longer text: CJK anywhere, Latin as whole words (plurals too). Global, so `lastIndex` is reset for each use. */
function answerPattern(answer: string): RegExp | null {
  const re = patterns.getOr(answer, () => makePattern(answer));
  if (re) re.lastIndex = 0;
  return re;
}

function makePattern(answer: string): RegExp | null {
  const words = normalise(answer);
  if (!words) return null;
  if (isCjk(words)) return new RegExp([...compact(answer)].map(escapeRegExp).join('\\s*'), 'gu');
  const body = words.split(' ').map(escapeRegExp).join('[\\s\\p{P}]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?:e?s)?(?![\\p{L}\\p{N}])`, 'giu');
}

/** The first of `answers` that occurs in `text` (after the same folding as judging), or null. */
export function answerIn(text: string, answers: readonly string[]): string | null {
  const folded = fold(text).replace(/['’]/g, '');
  for (const a of answers) {
    const re = answerPattern(a);
    if (re?.test(folded)) return a;
  }
  return null;
}

export const REDACTED = '(a riddle answer)';

/** `text` with every occurrence of any answer replaced, longest answers first ("风儿" before "风"). */
export function redactAnswers(text: string, answers: readonly string[]): string {
  if (!answerIn(text, answers)) return text;
  let out = fold(text).replace(/['’]/g, '');
  for (const a of [...answers].sort((x, y) => y.length - x.length)) {
    const re = answerPattern(a);
    if (re) out = out.replace(re, REDACTED);
  }
  return out;
}

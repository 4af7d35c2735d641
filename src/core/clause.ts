/**
 * What a clause of player text *does* with the words in it: refuses them (negation
 * anywhere in the clause), asks about them (a question that is not a polite request),
 * looks at them (a look/examine verb leads the clause), threatens or dismisses.
 * Keyword spotting alone read "don't light the brazier" as lighting it. Pure.
 */
import { compact, fold, normalise } from './fold.js';

export interface Clause {
  /** Normalised, words separated by single spaces. */
  words: string;
  /** Normalised with no spaces (CJK keywords are matched here). */
  tight: string;
  question: boolean;
  request: boolean;
  look: boolean;
  hostile: boolean;
  dismissive: boolean;
}

// Clauses end at punctuation and at words that start a new thought ("but", "然后", "而是").
const CLAUSE_BREAK = /([,，.。;；!！?？:：、…\n]+|\b(?:but|then|instead|however|rather)\b|但是|可是|然后|而是|不过|还是|再说)/u;

const EN_NEGATORS = new Set(['not', 'dont', 'doesnt', 'didnt', 'never', 'wont', 'cant', 'cannot', 'shouldnt', 'wouldnt', 'no', 'nor', 'neither', 'refuse', 'without']);
// Phrases with a negating word that negate nothing the player is choosing.
const EN_NOT_NEGATING = ['no time', 'no matter', 'cant wait', 'never mind', 'why not', 'why dont we', 'dont you think'];
const ZH_NEGATORS = /[不没别勿莫甭]|休想|拒绝/u;
// 对不起 (sorry), 不得不 (must), 能不能 (a question), 活不下去 (cannot go on): no refusal in them.
const ZH_NOT_NEGATING = [
  '不好意思', '不得不', '不少', '不久', '不错', '不然', '不如', '不管', '不断', '要不', '不一样', '不是吗', '不知道', '不停',
  '对不起', '了不起', '差不多', '忍不住', '受不了', '没错', '没关系', '没问题', '别的', '特别', '分别', '区别', '告别',
];
const ZH_A_NOT_A = /(\p{Script=Han})不\1/gu;
const ZH_POTENTIAL = /(?<=\p{Script=Han})不(?:下去|下来|起|动|住|完|开|到|见|清|懂|了)/gu;

const EN_WH = /^(?:what|whats|why|how|hows|who|whos|where|wheres|when|which)\b/u;
const EN_AUX_Q = /^(?:is|are|am|was|were|do|does|did|can|could|will|would|should|shall|may|might|have|has)\b/u;
const EN_REQUEST = /\b(?:can you|could you|will you|would you|can i|could i|may i|shall we|why dont we|why not|how about|what about|lets|let us|let me|please)\b/u;
const ZH_QUESTION = /什么|为什么|怎么|怎样|哪里|哪儿|哪个|谁|多少|是否|有没有|是不是|吗$|呢$|么$/u;
const ZH_REQUEST = /能不能|可不可以|可以|能否|你能|您能|好吗|好不好|行吗|行不行|要不要|要不|愿意|肯不肯|让我|带我|请(?!问)/u;

// Who and how before the verb: "I carefully examine", "让我仔细看看". English words need their space.
const EN_LEAD = /^(?:(?:i|ill|i will|i want to|i wanna|let me|lets|now|first|carefully|closely|quickly|then)\s+)+/u;
const ZH_LEAD = /^(?:我要|我想|我先|我|先|让我|仔细地|仔细|再|认真)+/u;
const EN_LOOK = /^(?:examine|inspect|study|observe|check|look|peer|watch|survey|scrutini[sz]e)\b/u;
const ZH_LOOK = /^(?:看看|看一看|看一下|看下|观察|检查|查看|打量|端详|瞧瞧|瞧一瞧|研究|审视|看)/u;

const EN_THREAT = /\b(?:burn|burns|burning|destroy|kill|smash|raze|wreck|hurt|attack|murder|blow up|or else|to the ground|torch the)\b/u;
const ZH_THREAT = /烧|毁|杀|砸|炸|夷为平地|踩平|放火|揍|打死|弄死|宰了|灭了|铲平/u;
const EN_DISMISS = /\b(?:who cares|dont care|do not care|couldnt care less|none of my business|not my problem|whatever|to hell with)\b/u;
const ZH_DISMISS = /不在乎|无所谓|关我什么事|关我屁事|管我什么事|与我无关|跟我无关|和我无关|无关|管他|谁在乎|谁管|才不管|不关心/u;

function blank(text: string, phrases: readonly string[]): string {
  let out = text;
  for (const p of phrases) out = out.split(p).join(' ');
  return out;
}

/**
 * True when the clause refuses what it names. `exempt` are the clause's matched keywords
 * that carry their own negation ("不进去", "without"): they are the choice, not a refusal of it.
 */
export function negated(c: Clause, exempt: readonly string[] = []): boolean {
  const words = ` ${blank(c.words, [...EN_NOT_NEGATING, ...exempt.map(normalise)])} `;
  if (words.split(' ').some((w) => EN_NEGATORS.has(w))) return true;
  const tight = blank(c.tight, [...ZH_NOT_NEGATING, ...exempt.map(compact)]).replace(ZH_A_NOT_A, ' ').replace(ZH_POTENTIAL, ' ');
  return ZH_NEGATORS.test(tight);
}

function analyse(raw: string, terminator: string): Clause {
  const words = normalise(raw);
  const tight = words.replace(/ /g, '');
  const asked = /[?？]/u.test(terminator) || EN_WH.test(words) || (EN_AUX_Q.test(words) && /[?？]/u.test(terminator)) || ZH_QUESTION.test(tight);
  const lead = words.replace(EN_LEAD, '');
  return {
    words,
    tight,
    question: asked,
    request: asked && (EN_REQUEST.test(words) || ZH_REQUEST.test(tight)),
    look: EN_LOOK.test(lead) || ZH_LOOK.test(tight.replace(ZH_LEAD, '')),
    hostile: EN_THREAT.test(words) || ZH_THREAT.test(tight),
    dismissive: EN_DISMISS.test(words) || ZH_DISMISS.test(tight),
  };
}

/** The clauses of an input, each with what it does. */
export function clauses(input: string): Clause[] {
  const parts = fold(input).split(CLAUSE_BREAK);
  const out: Clause[] = [];
  // split() with a capture group alternates text and delimiter: the delimiter tells a question.
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i] ?? '';
    if (normalise(text)) out.push(analyse(text, parts[i + 1] ?? ''));
  }
  return out;
}

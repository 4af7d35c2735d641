/**
 * The engine's verdict on a riddle answer or an argument put to an NPC: shown to the player
 * as the engine's own line, apart from the narration, and binding on the model (its reply
 * schema starts with the outcome; narration that claims the opposite is re-asked once).
 * Pure: the verdict, its line in the pack's language, and the check for a contradiction.
 */
export type VerdictOutcome = 'right' | 'wrong' | 'give-up' | 'persuaded' | 'not-persuaded';

export interface Verdict {
  outcome: VerdictOutcome;
  /** Wrong answers the riddle still allows (null: no limit). */
  triesLeft: number | null;
}

const good = (o: VerdictOutcome): boolean => o === 'right' || o === 'persuaded';

const LINES: Record<'en' | 'zh', (v: Verdict) => string> = {
  en: (v) => {
    if (v.outcome === 'right') return '✓ Correct';
    if (v.outcome === 'persuaded') return '✓ Persuaded';
    if (v.outcome === 'not-persuaded') return '✗ Not persuaded';
    if (v.outcome === 'give-up') return '✗ Not the answer — no tries left';
    return v.triesLeft === null ? '✗ Not the answer' : `✗ Not the answer — ${v.triesLeft} ${v.triesLeft === 1 ? 'try' : 'tries'} left`;
  },
  zh: (v) => {
    if (v.outcome === 'right') return '✓ 正确';
    if (v.outcome === 'persuaded') return '✓ 说服了';
    if (v.outcome === 'not-persuaded') return '✗ 没有说服';
    if (v.outcome === 'give-up') return '✗ 不对——机会用完了';
    return v.triesLeft === null ? '✗ 不对' : `✗ 不对——还剩 ${v.triesLeft} 次`;
  },
};

export function verdictLine(v: Verdict, language: string): string {
  return LINES[language.startsWith('zh') ? 'zh' : 'en'](v);
}

// Claims of success, and of failure. A word right after a negation ("not correct", "不正确") does not count.
const CLAIMS_WIN = /correct|that'?s right|right answer|you(?: have|'ve)? won|you win|well done|solved|正确|答对|猜对|你赢|赢了|胜利|解开了/giu;
const CLAIMS_LOSS = /wrong|incorrect|not the answer|not right|you lose|you lost|不对|答错|错了|不正确|错误|失败/giu;
const NEGATED_BEFORE = /(?:\bnot|n't|never|\bin|不|没|未)\s*$/iu;
const LETTER_BEFORE = /\p{L}$/u;

function claim(text: string, re: RegExp): string | null {
  for (const m of text.matchAll(re)) {
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    const latin = /^[a-z]/i.test(m[0]);
    if (NEGATED_BEFORE.test(before) || (latin && LETTER_BEFORE.test(before))) continue;
    return m[0];
  }
  return null;
}

/** What in the narration contradicts the verdict, in words the model can act on; null when it agrees. */
export function contradiction(narration: string, outcome: VerdictOutcome): string | null {
  const said = claim(narration, good(outcome) ? CLAIMS_LOSS : CLAIMS_WIN);
  if (!said) return null;
  return good(outcome)
    ? `the narration says "${said}", but the engine judged the player right`
    : `the narration says "${said}", but the engine judged the player wrong: nothing was won or solved`;
}

/** The directive line and the reply schema's first field. */
export function verdictDirective(outcome: VerdictOutcome): string {
  return `The engine's verdict, final: "${outcome}". Start the JSON with "outcome": "${outcome}", and narrate accordingly (never the opposite).`;
}

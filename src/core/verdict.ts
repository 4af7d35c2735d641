/**
 * The engine's verdict on a riddle answer or an argument put to an NPC: shown to the player
 * as the engine's own line, apart from the narration, and binding on the model (its reply
 * schema starts with the outcome; narration that claims the opposite is re-asked once).
 * Pure: the verdict, its line in the pack's language, and the check for a contradiction.
 */
import { messages } from './messages/index.js';

export type VerdictOutcome = 'right' | 'wrong' | 'give-up' | 'persuaded' | 'not-persuaded';

export interface Verdict {
  outcome: VerdictOutcome;
  /** Wrong answers the riddle still allows (null: no limit). */
  triesLeft: number | null;
}

const good = (o: VerdictOutcome): boolean => o === 'right' || o === 'persuaded';

/** The line in the interface language (the catalogue's `verdict` words). */
export function verdictLine(v: Verdict, language: string): string {
  const m = messages(language).verdict;
  if (v.outcome === 'right') return m.right;
  if (v.outcome === 'persuaded') return m.persuaded;
  if (v.outcome === 'not-persuaded') return m.notPersuaded;
  if (v.outcome === 'give-up') return m.giveUp;
  return v.triesLeft === null ? m.wrong : m.wrongTries(v.triesLeft);
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

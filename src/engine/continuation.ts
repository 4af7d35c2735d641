/**
 * "Continue the story" after an ending: a model writes what happens after (on rails an
 * epilogue, the ending kept; in free play it may open the story again); offline, the
 * pack's authored epilogue is told once. Typed text at the ending is what the player does next.
 */
import type { Pack, Script } from '../core/pack.js';
import type { TurnEvent } from '../core/journal.js';
import { redactAnswers } from '../core/answer.js';
import { currentScene, quoted, scriptAnswers } from '../core/script.js';
import { freeAnswers } from '../core/free-riddle.js';
import type { TurnPlan } from './turn.js';
import { GO_ON } from './game-messages.js';
import { messages } from '../core/messages/index.js';

export type Continuation = { plan: TurnPlan } | { notice: string };

/** The authored epilogue of the ending the player stands in, if the pack wrote one. */
function epilogueOf(script: Script, head: TurnEvent): string | null {
  try {
    return currentScene(script, head.state).ending?.epilogue ?? null;
  } catch {
    return null; // a scene the pack no longer has: no epilogue, never a crash
  }
}

/**
 * `head` is the turn that ended the story; `afterEnding` says it is itself a continuation
 * (its parent had ended too): offline, the epilogue is told only once.
 */
export function continuation(pack: Pack, offline: boolean, head: TurnEvent, afterEnding: boolean, typed: string | null, language = pack.manifest.language): Continuation {
  const words = messages(language).turn;
  const over = head.turn.game_over;
  if (!over) return { notice: words.notEnded };
  const input = typed ?? words.continueInput;
  const { script } = pack;
  if (!script) {
    // Free play: the model decides whether the story opens again; riddle answers never reach it.
    const said = typed ? redactAnswers(typed, freeAnswers(pack)) : words.continueInput;
    return { plan: { input, said, state: head.state, rails: null, authored: null, notes: [GO_ON.free] } };
  }
  const epilogue = epilogueOf(script, head);
  if (offline && afterEnding) return { notice: words.epilogueTold };
  if (offline && !epilogue) return { notice: words.noEpilogue };
  const said = typed ? redactAnswers(typed, scriptAnswers(script)) : words.continueInput;
  const reference = epilogue ?? over.reason;
  const event = typed ? `${GO_ON.rails} What the player does: ${quoted(said)}` : GO_ON.rails;
  return {
    plan: {
      input,
      said,
      state: head.state,
      rails: { event, reference, beats: [], choices: [], ending: over },
      authored: { narration: reference, image: null },
    },
  };
}

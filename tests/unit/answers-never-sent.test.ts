/**
 * DESIGN §3 / issue 9: no riddle answer of the pack enters a request, whatever the outcome of
 * the input that carried it (a hint request, a choice, an intent, a fallback, a question),
 * in every scene of both bundled packs. The right answer itself becomes a placeholder.
 */
import { describe, expect, it } from 'vitest';
import { answerIn } from '../../src/core/answer.js';
import { buildMessages } from '../../src/core/prompt.js';
import { scriptAnswers } from '../../src/core/script.js';
import { planTurn } from '../../src/engine/turn.js';
import { packs, stateIn, type PackId } from '../helpers/intent-table.js';

const frames = [(a: string) => a, (a: string) => `give me a hint, is it ${a}?`, (a: string) => `force the door, ${a}!`, (a: string) => `examine the ${a}`, (a: string) => `I shout ${a} at the cliffs`, (a: string) => `不是${a}吗？`];

describe('riddle answers typed into any input', () => {
  for (const id of ['lighthouse', 'ruins'] as PackId[]) {
    it(`${id}: never reach the model, in any scene`, () => {
      const pack = packs[id];
      const answers = scriptAnswers(pack.script!);
      let checked = 0;
      for (const scene of Object.keys(pack.script!.scenes)) {
        const state = stateIn(id, scene);
        for (const answer of answers) {
          for (const frame of frames) {
            const plan = planTurn(pack, state, frame(answer), []);
            // What a request gets from the input: the player line, the directive, the notes (the
            // pack's own text is checked by pack validate, which both packs pass with no warning).
            const last = buildMessages({ pack, state: plan.state, summary: null, history: [], said: plan.said, rails: plan.rails, notes: plan.notes ?? [] }).messages.at(-1)!;
            const text = `${last.content}\n${JSON.stringify(plan.said)}`;
            expect(answerIn(text, answers), `${scene}: "${frame(answer)}" -> said ${JSON.stringify(plan.said)}`).toBeNull();
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }
});

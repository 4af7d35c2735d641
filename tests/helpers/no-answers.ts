/**
 * Riddle answers never reach a model: every recorded request body, searched as the text the
 * server received (after the engine's folding of case, width and traditional characters).
 */
import { expect } from 'vitest';
import { answerIn } from '../../src/core/answer.js';
import type { RecordedRequest } from './openai-server.js';

export function expectNoAnswers(requests: readonly RecordedRequest[], answers: readonly string[]): void {
  expect(answers.length, 'answers to look for').toBeGreaterThan(0);
  const bodies = requests.filter((r) => r.path === '/v1/chat/completions');
  expect(bodies.length, 'requests to search').toBeGreaterThan(0);
  bodies.forEach((r, i) => {
    // Decoded once more, so an escaped "\u98ce" would be found as 风 too.
    const text = JSON.stringify(r.body);
    const found = answerIn(text, answers) ?? answerIn(JSON.parse(JSON.stringify(text)) as string, answers);
    expect(found, `request ${i} holds a riddle answer`).toBeNull();
  });
}

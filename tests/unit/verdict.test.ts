/**
 * Issue 9, part 5: the engine's verdict is its own line, true whatever the narration says,
 * and binding on the model: on rails the reply schema starts with the outcome, and narration
 * that claims the opposite is asked for again once, with the problem named.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { contradiction, verdictLine } from '../../src/core/verdict.js';
import { scriptAnswers } from '../../src/core/script.js';
import { extractReply } from '../../src/core/extract.js';
import { JsonUi } from '../../src/adapters/ui/json-ui.js';
import { PlainUi } from '../../src/adapters/ui/plain-ui.js';
import type { LineReader } from '../../src/adapters/ui/line-reader.js';
import { playModelGame } from '../helpers/model-game.js';
import { isIntentCall, startOpenAIServer, validReply, type FakeServer } from '../helpers/openai-server.js';
import { expectNoAnswers } from '../helpers/no-answers.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const ruins = loadPack('ruins', '/nonexistent-home');

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const turnCalls = (s: FakeServer) => s.requests.filter((r) => r.path === '/v1/chat/completions' && !isIntentCall(r));

/** A model that reads every text as an answer and narrates `lie` whatever the engine decided. */
async function liar(lie: string): Promise<FakeServer> {
  const s = await startOpenAIServer({
    fallback: (req) => isIntentCall(req)
      ? { kind: 'ok', reply: { option: 'riddle', kind: 'do', confidence: 0.9 } }
      : { kind: 'ok', reply: { outcome: 'right', ...validReply({ narration: lie }) } },
  });
  servers.push(s);
  return s;
}

describe('the check for narration that contradicts the verdict', () => {
  it.each([
    ['Correct! You have won.', 'wrong', true],
    ['That is not correct. The wind howls.', 'wrong', false],
    ['The answer is incorrect.', 'wrong', false],
    ['Well done, traveller.', 'give-up', true],
    ['石门纹丝不动。你答对了！', 'wrong', true],
    ['石面说：“不正确。”', 'wrong', false],
    ['“不对。”石面沉默了。', 'right', true],
    ['Wrong! The door stays shut.', 'right', true],
    ['The door grinds open.', 'right', false],
    ['守门人摇了摇头。', 'not-persuaded', false],
  ] as const)('%j after %s: contradicts = %s', (text, outcome, contradicts) => {
    expect(contradiction(text, outcome) !== null).toBe(contradicts);
  });

  it('the verdict lines, in English and Chinese', () => {
    expect(verdictLine({ outcome: 'wrong', triesLeft: 2 }, 'en')).toBe('✗ Not the answer — 2 tries left');
    expect(verdictLine({ outcome: 'wrong', triesLeft: 1 }, 'en')).toBe('✗ Not the answer — 1 try left');
    expect(verdictLine({ outcome: 'right', triesLeft: null }, 'en')).toBe('✓ Correct');
    expect(verdictLine({ outcome: 'wrong', triesLeft: 2 }, 'zh-CN')).toBe('✗ 不对——还剩 2 次');
    expect(verdictLine({ outcome: 'right', triesLeft: null }, 'zh')).toBe('✓ 正确');
  });

  it('the extraction accepts the leading outcome field and drops it, without a repair note', () => {
    const r = extractReply(JSON.stringify({ outcome: 'wrong', ...validReply() }));
    expect(r.ok && r.repairs).toEqual([]);
    expect(r.ok && 'outcome' in r.value).toBe(false);
  });
});

describe('a model that narrates "Correct! You have won" after a wrong answer', () => {
  it('is sent the verdict first in its schema, re-asked once with the problem named, and the verdict line says the truth', async () => {
    const s = await liar('Correct! You have won the game.');
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, scene: 'desk', inputs: ['the tide'] });
    expect(r.error).toBeNull();
    expect(r.ui.verdicts).toMatchObject([{ n: 2, outcome: 'wrong', triesLeft: 2, line: '✗ Not the answer — 2 tries left' }]);
    const head = r.game.head!;
    expect(head.state).toMatchObject({ scene: 'desk', misses: 1 });
    expect(head.turn.game_over).toBeNull();
    const calls = turnCalls(s);
    expect(calls).toHaveLength(2);
    const schema = calls[0]!.body.response_format.json_schema.schema;
    expect(Object.keys(schema.properties)[0]).toBe('outcome');
    expect(schema.properties.outcome).toEqual({ type: 'string', enum: ['wrong'] });
    expect(schema.required[0]).toBe('outcome');
    const repair = String(calls[1]!.body.messages.at(-1).content);
    expect(repair).toContain('the narration says "Correct"');
    expect(repair).toContain('"outcome": "wrong"');
    expect(r.log.some((l) => l.includes('still contradicts'))).toBe(true);
    expectNoAnswers(s.requests, scriptAnswers(lighthouse.script!));
  });

  it('in Chinese: 不对 with the tries left after a wrong answer, 正确 after the right one (which is never sent to be read)', async () => {
    const s = await liar('你答对了！石门打开了。');
    const r = await playModelGame({ pack: ruins, baseURL: s.baseURL, scene: 'stone_door', inputs: ['火', '答案：风'] });
    expect(r.error).toBeNull();
    expect(r.ui.verdicts.map((v) => v.line)).toEqual(['✗ 不对——还剩 2 次', '✓ 正确']);
    expect(s.requests.filter(isIntentCall)).toHaveLength(1);
    // After the wrong answer the lie is re-asked; after the right one "答对" agrees and is not.
    expect(turnCalls(s)).toHaveLength(3);
    expect(turnCalls(s)[2]!.body.response_format.json_schema.schema.properties.outcome.enum).toEqual(['right']);
    expectNoAnswers(s.requests, scriptAnswers(ruins.script!));
  });
});

describe('the verdict in the uis', () => {
  const reader = { next: () => Promise.resolve(null), close: () => {} } as unknown as LineReader;
  const collect = () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { out, text: () => chunks.join('') };
  };

  it('--json prints a verdict event; plain output prints the line on stdout', () => {
    const j = collect();
    new JsonUi(reader, j.out, new PassThrough()).verdict({ n: 3, outcome: 'wrong', triesLeft: 2, line: '✗ Not the answer — 2 tries left' });
    expect(JSON.parse(j.text())).toEqual({ type: 'verdict', turn: 3, outcome: 'wrong', tries_left: 2, line: '✗ Not the answer — 2 tries left' });
    const p = collect();
    new PlainUi(reader, { images: 'off' }, p.out, new PassThrough()).verdict({ n: 3, outcome: 'right', triesLeft: null, line: '✓ 正确' });
    expect(p.text()).toContain('✓ 正确');
  });
});

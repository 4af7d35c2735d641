/**
 * Image prompts stay English and unambiguous: a model's prompt in Chinese is asked for again once
 * (naming the problem) and never shown as is; a pack's glossary reaches the model when the scene
 * uses one of its words. Real games: the real narrator over HTTP against the local test server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { glossaryFor, imagePromptProblem } from '../../src/core/image.js';
import { checkScript } from '../../src/core/pack-check.js';
import { mainLine } from '../../src/core/journal.js';
import { intentCallsNone, isIntentCall, startOpenAIServer, validReply, type FakeServer, type RecordedRequest } from '../helpers/openai-server.js';
import { playModelGame } from '../helpers/model-game.js';

const ruins = loadPack('ruins', '/nonexistent-home');
const lighthouse = loadPack('lighthouse', '/nonexistent-home');
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const turnCalls = (s: FakeServer): RecordedRequest[] => s.requests.filter((r) => r.path.endsWith('/chat/completions') && !isIntentCall(r));
const lastMessage = (r: RecordedRequest): string => String(r.body.messages.at(-1).content);
const english = (i: number) => validReply({ narration: `第${i}段叙述。`, image_prompt: `a misty stone ruin, scene ${i}` });

describe('image prompts', () => {
  it('names what is not English, and lets accented Latin and Midjourney parameters through', () => {
    expect(imagePromptProblem('a café by the sea --ar 16:9 --v 6')).toBeNull();
    expect(imagePromptProblem(null)).toBeNull();
    expect(imagePromptProblem('一枚古老的印章 on a stone table')).toBe('image_prompt: must be in English only, but it has Chinese text ("一枚古老的印章"); translate it, naming each thing plainly');
    expect(imagePromptProblem('Мост у моря')).toMatch(/Cyrillic text \("Мост", "у", "моря"\)/);
  });

  it('pack validate warns about an authored scene image that is not English; the bundled packs have none', () => {
    const script = ruins.script!;
    const start = script.scenes[script.start]!;
    const problems = checkScript({ ...script, scenes: { ...script.scenes, [script.start]: { ...start, image: '雾中的小路' } } }, ruins.manifest);
    expect(problems.filter((p) => p.path.at(-1) === 'image')).toEqual([
      { part: 'script', path: ['scenes', script.start, 'image'], message: 'must be in English only, but it has Chinese text ("雾中的小路"); translate it, naming each thing plainly', warning: true },
    ]);
    for (const pack of [ruins, lighthouse]) expect(checkScript(pack.script!, pack.manifest).filter((p) => p.path.at(-1) === 'image')).toEqual([]);
  });

  it('a Chinese game whose model answers one prompt in Chinese ends with English prompts on every turn', async () => {
    let turns = 0;
    server = await startOpenAIServer({
      chat: intentCallsNone,
      fallback: () => {
        turns++;
        return { kind: 'ok', reply: turns === 2 ? validReply({ narration: '你走进了遗迹。', image_prompt: '雾中的古代遗迹，石门紧闭' }) : english(turns) };
      },
    });
    const game = await playModelGame({ pack: ruins, baseURL: server.baseURL, inputs: ['1', '1', '2'] });
    expect(game.error).toBeNull();
    const prompts = mainLine(game.timeline).map((e) => e.turn.image_prompt);
    expect(prompts).toHaveLength(4);
    for (const p of prompts) {
      expect(p).not.toBeNull();
      expect(imagePromptProblem(p)).toBeNull();
    }
    // The one re-ask went back with the problem in words, after the Chinese reply.
    const reask = turnCalls(server).find((r) => lastMessage(r).startsWith('That reply was not valid: image_prompt: must be in English only'));
    expect(reask).toBeDefined();
    expect(lastMessage(reask!)).toContain('Chinese text ("雾中的古代遗迹", "石门紧闭")');
    expect(game.ui.shown.every((v) => imagePromptProblem(v.turn.image_prompt) === null)).toBe(true);
  });

  it('a model that keeps answering in Chinese is asked once; the scene’s own English prompt is used instead', async () => {
    server = await startOpenAIServer({ chat: intentCallsNone, fallback: { kind: 'ok', reply: validReply({ narration: '雾。', image_prompt: '古老的印章' }) } });
    const game = await playModelGame({ pack: ruins, baseURL: server.baseURL, inputs: ['1'] });
    expect(game.error).toBeNull();
    const head = mainLine(game.timeline).at(-1)!;
    expect(head.turn.image_prompt).toContain(ruins.script!.scenes.gate!.image!.trim().slice(0, 40));
    expect(turnCalls(server)).toHaveLength(2);
    expect(game.log.some((l) => l.includes('still not English'))).toBe(true);
  });

  it('the glossary reaches the model in the last message when the scene uses a term, and only then', async () => {
    server = await startOpenAIServer({ chat: intentCallsNone, fallback: { kind: 'ok', reply: english(1) } });
    await playModelGame({ pack: ruins, baseURL: server.baseURL, inputs: ['1'], scene: 'seal_room' });
    const [first] = turnCalls(server);
    expect(lastMessage(first!)).toContain('## Image prompt glossary');
    expect(lastMessage(first!)).toContain('- 印章: an ancient hand-held stone stamp seal');
    expect(String(first!.body.messages[0].content)).not.toContain('Image prompt glossary');
    expect(glossaryFor(lighthouse.manifest, 'The tower stands dark above the Teeth.')).toEqual(['- the Teeth: a reef of jagged black sea rocks called the Teeth, not actual teeth']);
    expect(glossaryFor(lighthouse.manifest, 'Its cap still sealed.')).toEqual([]);
  });
});

/**
 * Issue 8: every request fits the model's window, however long the game, on servers that
 * enforce a window the way llama.cpp, vLLM, Ollama and OpenAI do; older turns live on in
 * the summary. The real Game and OpenAI narrator, over real HTTP, in process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { startWindowServer, type Flavour, type WindowServer } from '../helpers/window-servers.js';
import { playModelGame } from '../helpers/model-game.js';
import { validReply, type RecordedRequest, type Fault } from '../helpers/openai-server.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const ruins = loadPack('ruins', '/nonexistent-home');

let servers: WindowServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const isSummaryCall = (req: RecordedRequest): boolean => String(req.body?.messages?.[0]?.content ?? '').startsWith('You keep the memory');

/** A story-like model: every turn a few sentences long; summary calls answered as summaries. */
function storyteller(req: RecordedRequest, i: number): Fault {
  if (isSummaryCall(req)) {
    return { kind: 'ok', reply: { summary: `The story so far, as of request ${i}.`, people: ['the keeper'], places: ['the tower'], promises: [], open_threads: ['the ship'] } };
  }
  const narration = `Turn reply ${i}. ${'The wind pulls at the old stones while the sea keeps its slow count below. '.repeat(5)}`;
  return { kind: 'ok', reply: validReply({ narration }) };
}

async function server(flavour: Flavour, window: number): Promise<WindowServer> {
  const s = await startWindowServer({ flavour, window, fallback: storyteller });
  servers.push(s);
  return s;
}

/** Free text that wanders (keeps a scripted pack going), with a first-choice now and then. */
const wandering = (n: number, lang: 'en' | 'zh'): string[] =>
  Array.from({ length: n }, (_, i) =>
    lang === 'en'
      ? (i === 2 ? '1' : `I look around slowly and think about everything that happened, step ${i}`)
      : (i === 2 ? '1' : `我慢慢地四处张望，想着发生过的一切，第${i}步`));

const chatBodies = (s: WindowServer) => s.requests.filter((r) => r.path === '/v1/chat/completions');

describe('every request fits the window', () => {
  for (const flavour of ['llamacpp', 'vllm', 'ollama', 'openai'] as const) {
    for (const pack of [lighthouse, ruins]) {
      it(`${pack.manifest.id}: 40 model turns against ${flavour} at 8192 tokens, no overflow`, async () => {
        const s = await server(flavour, 8192);
        const r = await playModelGame({ pack, baseURL: s.baseURL, inputs: wandering(40, pack.manifest.language === 'zh' ? 'zh' : 'en') });
        expect(r.error).toBeNull();
        expect(r.ui.shown.length).toBeGreaterThanOrEqual(41);
        expect(s.overflows).toBe(0);
        expect(s.truncated).toBe(0);
        const chats = chatBodies(s);
        chats.forEach((req, i) => {
          const max = Number(req.body.max_tokens ?? req.body.max_completion_tokens);
          expect(s.promptTokens[i]! + max, `request ${i}`).toBeLessThanOrEqual(8192);
        });
        console.log(flavour, pack.manifest.id, 'max prompt', Math.max(...s.promptTokens), 'summaries', r.events.filter((e) => e.type === 'summary').length, 'requests', chats.length, r.ui.notices);
      });
    }
  }
});

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
import { isIntentCall } from '../helpers/openai-server.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const ruins = loadPack('ruins', '/nonexistent-home');

let servers: WindowServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const isSummaryCall = (req: RecordedRequest): boolean => String(req.body?.messages?.[0]?.content ?? '').startsWith('You keep the memory');

/** A story-like model: every turn a few sentences long; summary calls answered as summaries, intent calls with "none". */
function storyteller(req: RecordedRequest, i: number): Fault {
  if (isIntentCall(req)) return { kind: 'ok', reply: { option: 'none', kind: 'say', confidence: 0 } };
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

const chatBodies = (s: WindowServer) => s.requests.filter((r) => r.path === '/v1/chat/completions' && !isIntentCall(r));

// Both packs for 40 turns against llama.cpp; each other kind of server with one of them for 25 (the suite's time is counted).
const GAMES: [Flavour, typeof lighthouse, number][] = [['llamacpp', lighthouse, 40], ['llamacpp', ruins, 40], ['vllm', ruins, 25], ['ollama', lighthouse, 25], ['openai', ruins, 25]];

describe('every request fits the window', () => {
  for (const [flavour, pack, turns] of GAMES) {
    it(`${pack.manifest.id}: ${turns} model turns against ${flavour} at 8192 tokens, no overflow`, async () => {
      const s = await server(flavour, 8192);
      const r = await playModelGame({ pack, baseURL: s.baseURL, inputs: wandering(turns, pack.manifest.language === 'zh' ? 'zh' : 'en') });
      expect(r.error).toBeNull();
      expect(r.ui.shown.length).toBeGreaterThanOrEqual(turns + 1);
      expect(s.overflows).toBe(0);
      expect(s.truncated).toBe(0);
      const chats = chatBodies(s);
      chats.forEach((req, i) => {
        const max = Number(req.body.max_tokens ?? req.body.max_completion_tokens);
        expect(s.promptTokens[i]! + max, `request ${i}`).toBeLessThanOrEqual(8192);
      });
      // The cacheable prefix: between two folds, a request repeats all of the previous one but its last message.
      let stable = 0;
      let folds = 0;
      for (let i = 1; i < chats.length; i++) {
        if (isSummaryCall(chats[i]!) || isSummaryCall(chats[i - 1]!)) continue;
        const prev = chats[i - 1]!.body.messages as unknown[];
        const next = chats[i]!.body.messages as unknown[];
        const same = JSON.stringify(next.slice(0, prev.length - 1)) === JSON.stringify(prev.slice(0, -1));
        if (same) stable++;
        else folds++;
      }
      const summaries = r.events.filter((e) => e.type === 'summary').length;
      expect(summaries).toBeGreaterThanOrEqual(2);
      // A prefix changes only where a fold happened (at most once per fold).
      expect(folds).toBeLessThanOrEqual(summaries);
      expect(stable).toBeGreaterThanOrEqual(chats.length - 2 * summaries - 2);
    });
  }
});

describe('learning the window', () => {
  it('at 4096 tokens a bundled pack plays or is refused before a save exists, with the numbers', async () => {
    for (const pack of [lighthouse, ruins]) {
      const s = await server('llamacpp', 4096);
      const r = await playModelGame({ pack, baseURL: s.baseURL, inputs: wandering(12, pack.manifest.language === 'zh' ? 'zh' : 'en') });
      expect(s.overflows).toBe(0);
      if (r.error) {
        expect(r.error.message).toMatch(new RegExp(`pack "${pack.manifest.id}" needs about \\d+ tokens .* window is 4096 tokens \\(from llama.cpp\\)`));
        expect(r.ui.shown).toHaveLength(0);
      } else {
        expect(r.ui.shown.length).toBe(13);
      }
    }
  });

  it('a server that says nothing and has a smaller window: the 400 teaches it, the turn is rebuilt once, and it is remembered', async () => {
    const s = await server('openai', 6000);
    const contexts = new Map();
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(25, 'en'), contexts });
    expect(r.error).toBeNull();
    expect(r.ui.shown).toHaveLength(26);
    expect(s.overflows).toBe(1);
    expect([...contexts.values()][0]).toMatchObject({ window: 6000 });
    expect(r.ui.notices.filter((n) => n.includes('assuming 8192'))).toHaveLength(1);
    // The next session starts from what was learned: no overflow, no notice.
    const again = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(3, 'en'), contexts });
    expect(again.error).toBeNull();
    expect(s.overflows).toBe(1);
    expect(again.ui.notices.filter((n) => n.includes('assuming'))).toHaveLength(0);
  });

  it('Ollama with the model not loaded yet: the trained window capped at Ollama\'s 4096, and a hint to raise it', async () => {
    const s = await startWindowServer({ flavour: 'ollama', window: 4096, loaded: false, modelContext: 131072, fallback: storyteller });
    servers.push(s);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(15, 'en') });
    expect(s.truncated).toBe(0);
    expect(r.ui.notices.join('\n')).toMatch(/OLLAMA_CONTEXT_LENGTH/);
    if (r.error) expect(r.error.message).toMatch(/window is 4096 tokens \(from ollama\)/);
  });

  it('--context outranks what the server says', async () => {
    const s = await server('llamacpp', 32768);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(3, 'en'), context: 9000 });
    expect(r.error).toBeNull();
    const view = await r.game.memoryView();
    expect(view?.window).toEqual({ tokens: 9000, source: 'config' });
  });
});

describe('memory over a long game', () => {
  it('summaries are journaled as they are written, and a resumed game sends them as written', async () => {
    const s = await server('llamacpp', 8192);
    const r = await playModelGame({ pack: ruins, baseURL: s.baseURL, inputs: wandering(32, 'zh') });
    expect(r.error).toBeNull();
    const summaries = r.events.flatMap((e) => (e.type === 'summary' ? [e] : []));
    // Folds come a chunk at a time, or sooner when the window cannot hold the recent turns verbatim.
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    summaries.forEach((e, i) => expect(e.turns - (summaries[i - 1]?.turns ?? 0)).toBeGreaterThanOrEqual(8));
    // The model rewrites the summary once per chunk of turns; quicker folds in between are the engine's digest.
    const byModel = summaries.filter((e) => e.source === 'model');
    expect(byModel.length).toBeGreaterThanOrEqual(1);
    expect(s.requests.filter(isSummaryCall)).toHaveLength(byModel.length);
    byModel.forEach((e, i) => expect(e.turns - (byModel[i - 1]?.turns ?? 0)).toBeGreaterThanOrEqual(10));
    // The last turn request holds the newest summary and only the turns after it verbatim.
    const newest = summaries.at(-1)!;
    const last = chatBodies(s).filter((q) => !isSummaryCall(q)).at(-1)!;
    const messages = last.body.messages as { role: string; content: string }[];
    expect(messages.filter((m) => m.content.startsWith(`## 前情提要（第1–${newest.turns}回合`))).toHaveLength(1);
    const verbatim = messages.filter((m) => m.role === 'assistant' && m.content.includes('Turn reply')).length;
    expect(verbatim).toBeLessThanOrEqual(33 - newest.turns);
    expect(verbatim).toBeGreaterThanOrEqual(2);
    // Resuming the saved game reuses the journaled summary as written (the model's own words).
    const before = chatBodies(s).length;
    const resumed = await playModelGame({ pack: ruins, baseURL: s.baseURL, inputs: wandering(1, 'zh'), store: r.store, slot: r.slot, timeline: r.timeline });
    expect(resumed.error).toBeNull();
    const next = chatBodies(s)[before]!;
    const sent = (next.body.messages as { content: string }[]).map((m) => m.content).join('\n');
    expect(sent).toContain(newest.summary.text);
  });

  it('a summary call that fails falls back to the engine\'s digest and the turn goes on', async () => {
    const s = await startWindowServer({ flavour: 'vllm', window: 8192, fallback: (req, i) => (isSummaryCall(req) ? { kind: 'status', status: 500 } : storyteller(req, i)) });
    servers.push(s);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(21, 'en') });
    expect(r.error).toBeNull();
    const summary = r.events.find((e) => e.type === 'summary');
    expect(summary).toMatchObject({ source: 'digest' });
    expect(summary?.type === 'summary' && summary.summary.text).toMatch(/^Turns 1–\d+: Salt in your mouth/);
  });

  it('usage per turn carries the cached prefix tokens the server reported', async () => {
    const s = await server('llamacpp', 8192);
    // Choices by number: free text would add the intent call, which a one-slot cache keeps instead.
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['2', '1', '1', '1'] });
    const usages = r.events.flatMap((e) => (e.type === 'turn' && e.usage ? [e.usage] : []));
    expect(usages.length).toBe(4);
    expect(usages.at(-1)!.cached_tokens).toBeGreaterThan(usages.at(-1)!.prompt_tokens * 0.5);
  });
});

describe('asking a server for its window', () => {
  it('LM Studio: the loaded context length of the model, else its maximum; a huge or broken answer is no answer', async () => {
    const { WindowProbe } = await import('../../src/adapters/window-probe.js');
    const { startOpenAIServer } = await import('../helpers/openai-server.js');
    const answers: unknown[] = [
      { data: [{ id: 'qwen2.5-7b', state: 'loaded', loaded_context_length: 16384, max_context_length: 32768 }] },
      { data: [{ id: 'qwen2.5-7b', state: 'not-loaded', max_context_length: 32768 }] },
      `{"data": [${'1,'.repeat(600_000)}1]}`,
      '{not json',
    ];
    let i = 0;
    const lm = await startOpenAIServer({ routes: (req) => (req.path === '/api/v0/models' ? { status: 200, body: answers[i++] } : undefined) });
    try {
      const probe = () => new WindowProbe(lm.baseURL, 'qwen2.5-7b', {}).probe();
      expect(await probe()).toMatchObject({ tokens: 16384, source: 'lmstudio' });
      expect(await probe()).toMatchObject({ tokens: 32768, source: 'lmstudio' });
      expect(await probe()).toBeNull();
      expect(await probe()).toBeNull();
    } finally {
      await lm.close();
    }
  });
});

describe('a model that cannot summarise', () => {
  it('is asked at most once per chunk of turns, however often a tight window folds', async () => {
    const s = await startWindowServer({ flavour: 'llamacpp', window: 3000, fallback: (req, i) => (isSummaryCall(req) ? { kind: 'raw', content: 'not a summary' } : storyteller(req, i)) });
    servers.push(s);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(30, 'en') });
    expect(r.error).toBeNull();
    const folds = r.events.filter((e) => e.type === 'summary');
    expect(folds.length).toBeGreaterThan(10); // the window folds nearly every turn ...
    expect(folds.every((e) => e.type === 'summary' && e.source === 'digest')).toBe(true);
    expect(s.requests.filter(isSummaryCall).length).toBeLessThanOrEqual(3); // ... but the model is asked once per 10 turns
  });
});

describe('a window too tight for the recent turns', () => {
  it('folds even the last turns into the summary rather than leave them out of the request', async () => {
    const s = await server('llamacpp', 3000);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: wandering(12, 'en') });
    expect(r.error).toBeNull();
    expect(r.ui.shown.length).toBe(13);
    expect(s.overflows).toBe(0);
    const sent = r.log.filter((l) => l.startsWith('to fit the window, left out:'));
    expect(sent.length).toBeGreaterThan(0); // the window is tight: something was left out ...
    expect(sent.filter((l) => /verbatim turn/.test(l))).toEqual([]); // ... but never a turn
    const summaries = r.events.filter((e) => e.type === 'summary');
    expect(summaries.length).toBeGreaterThan(0);
  });
});

describe('a window just too small for the usual reply', () => {
  it('lowers the reply budget (down to 256 tokens) before it refuses the pack', async () => {
    const s = await server('llamacpp', 2600);
    const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['1', 'I look around', '2'] });
    expect(r.error).toBeNull();
    expect(r.ui.shown).toHaveLength(4);
    const turns = chatBodies(s).filter((q) => q.body.response_format?.json_schema?.name === 'turn');
    const maxes = turns.map((q) => Number(q.body.max_tokens));
    expect(Math.min(...maxes)).toBeGreaterThanOrEqual(256);
    expect(Math.max(...maxes)).toBeLessThan(2600 / 4); // below the usual quarter of the window
    expect(s.overflows).toBe(0);
    const refused = await playModelGame({ pack: lighthouse, baseURL: (await server('llamacpp', 2400)).baseURL, inputs: ['1'] });
    expect(refused.error?.message).toMatch(/needs about \d+ tokens .* window is 2400 tokens \(from llama\.cpp\)/);
  });
});

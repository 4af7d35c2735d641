/** Issue 8, what the player and the author see: /memory, /usage, pack preview fitted to a window, saves show tokens. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { buildPreview, formatPreview } from '../../src/cli/pack-preview.js';
import { showSave } from '../../src/cli/saves-show.js';
import { startWindowServer } from '../helpers/window-servers.js';
import { playModelGame, playOffline, RecordingUi } from '../helpers/model-game.js';
import { tempHome } from '../helpers/cli.js';
import { TranscriptFile } from '../../src/adapters/picture-files.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const HOME = mkdtempSync(join(tmpdir(), 'pq-memory-cmd-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

describe('/memory and /usage', () => {
  it('show the blocks the model is sent, the window it came from, and the tokens with their cost', async () => {
    const s = await startWindowServer({ flavour: 'llamacpp', window: 8192 });
    try {
      const prices = { 'fake-model': { input: 1, output: 2, cached: 0.5 } };
      const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['I look around', 'I listen', '/memory', '/usage'], prices });
      expect(r.error).toBeNull();
      const [memory, usage] = r.ui.infos;
      expect(memory).toMatch(/the window is 8,192, from llama\.cpp/);
      for (const block of ['system prompt', 'examples', 'summary', 'recent turns', 'lore', 'state \\+ input']) expect(memory).toMatch(new RegExp(`^  ${block} +\\d[\\d,]* `, 'm'));
      expect(memory).toMatch(/total +[\d,]+ {2}of [\d,]+ for the prompt \(900 kept for the reply/);
      expect(r.ui.events.find((e) => e.type === 'memory')?.data).toMatchObject({ window: { tokens: 8192, source: 'llama.cpp' }, reply_tokens: 900 });
      // Two model turns: every prompt token the server counted, the cached share, and dollars at the configured price.
      const turns = r.events.flatMap((e) => (e.type === 'turn' && e.usage ? [e.usage] : []));
      const prompt = turns.reduce((n, u) => n + u.prompt_tokens, 0);
      expect(usage).toContain(`This game: ${prompt.toLocaleString('en-US')} prompt (`);
      expect(usage).toMatch(/cached\) \+ [\d,]+ reply = [\d,]+ tokens, \$0\.\d{4} over 2 turns and summaries/);
    } finally {
      await s.close();
    }
  });

  it('/image copies the scene\'s prompt where there is a clipboard, and says so; without one it says nothing of it', async () => {
    const copied: string[] = [];
    const ui = new RecordingUi(['/image']);
    const { game } = await playOffline(lighthouse, ui, 'c', { clipboard: async (text) => (copied.push(text), true) });
    const prompt = game.head!.turn.image_prompt;
    expect(copied).toEqual([prompt]);
    expect(ui.notices).toContain('(copied to the clipboard)');
    const bare = new RecordingUi(['/image']);
    await playOffline(lighthouse, bare, 'c', { clipboard: async () => false });
    expect(bare.notices).not.toContain('(copied to the clipboard)');
    expect(bare.infos).toContain(prompt);
  });

  it('/transcript writes in the interface language: a Chinese story played with `language en` gets English headings', async () => {
    const dir = tempHome('pq-transcript-');
    const ruins = loadPack('ruins', '/nonexistent-home');
    const english = new RecordingUi(['/transcript on', '1']);
    const { game } = await playOffline(ruins, english, 'en', { transcript: new TranscriptFile(dir, 'en'), language: 'en' });
    await game.transcript?.flush(); // the session waits for it at the end of a game
    const text = readFileSync(join(dir, 'en.transcript.txt'), 'utf8');
    expect(text).toContain('[Turn 2]');
    expect(text).not.toContain('回合]');
    // Without a choice, the pack's language, as before.
    await (await playOffline(ruins, new RecordingUi(['/transcript on', '1']), 'zh', { transcript: new TranscriptFile(dir, 'zh') })).game.transcript?.flush();
    expect(readFileSync(join(dir, 'zh.transcript.txt'), 'utf8')).toContain('[第 2 回合]');
  });

  it('offline, /memory and /usage say that no model is sent anything', async () => {
    const ui = new RecordingUi(['/memory', '/usage']);
    await playOffline(lighthouse, ui, 'o');
    expect(ui.infos).toEqual(['Offline, the authored script tells the story: no model is sent anything.', 'Offline: no tokens are used.']);
  });
});

describe('pack preview', () => {
  it('fits the first request to a window, and says when a pack cannot fit one at all', async () => {
    vi.stubEnv('PROMPTQUEST_HOME', HOME);
    vi.stubEnv('PROMPTQUEST_CONTEXT', '');
    try {
      const roomy = await buildPreview('lighthouse', {});
      expect(roomy.fits).toBe(true);
      expect(roomy.memory.window).toEqual({ tokens: 8192, source: 'default' });
      expect(roomy.memory.report.trimmed).toEqual([]);
      const tight = await buildPreview('lighthouse', { context: 3000 });
      expect(tight.fits).toBe(true);
      expect(tight.memory.report.trimmed.join('; ')).toMatch(/few-shot examples/);
      expect(tight.estimate.tokens).toBeLessThanOrEqual(tight.memory.report.budget!);
      const tiny = await buildPreview('ruins', { context: 1024 });
      expect(tiny.fits).toBe(false);
      // The labels follow what is sent, and a pack that does not fit is never "nothing left out".
      const noExamples = await buildPreview('lighthouse', { context: 4096 });
      expect(noExamples.memory.report.trimmed.join()).toMatch(/2 of 2 few-shot examples/);
      expect(formatPreview(noExamples)).not.toMatch(/few-shot example 1/);
      expect(formatPreview(roomy)).toMatch(/few-shot example 1/);
      expect(formatPreview(tiny)).not.toMatch(/Nothing was left out/);
      expect(formatPreview(tiny)).toMatch(/does not fit a 1024-token window/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('saves show', () => {
  it('gives tokens per turn and in total', async () => {
    const s = await startWindowServer({ flavour: 'vllm', window: 8192 });
    const saves = new FileSaveStore(join(HOME, 'saves'));
    try {
      const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['I look around', 'I wait'], slot: 'tokens', store: undefined });
      // Copy the in-memory journal into a file save, as the CLI would have written it.
      const loaded = await r.store.load('tokens');
      await saves.create({ ...loaded.header, slot: 'tokens' }, loaded.events);
      vi.stubEnv('PROMPTQUEST_HOME', HOME);
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
      try {
        await showSave('tokens', {});
      } finally {
        spy.mockRestore();
        vi.unstubAllEnvs();
      }
      const text = out.join('');
      const turns = loaded.events.flatMap((e) => (e.type === 'turn' && e.usage ? [e.usage] : []));
      const total = turns.reduce((n, u) => n + u.prompt_tokens + u.completion_tokens, 0);
      expect(text).toMatch(new RegExp(`tokens: +[\\d,]+ prompt.* = ${total.toLocaleString('en-US')} tokens over 2 turns and summaries`));
      for (const u of turns) expect(text).toContain(`[${(u.prompt_tokens + u.completion_tokens).toLocaleString('en-US')} tokens]`);
    } finally {
      await s.close();
    }
  });
});

describe('tokens of the intent call', () => {
  it('count towards the turn they shaped', async () => {
    const s = await startWindowServer({ flavour: 'llamacpp', window: 8192 });
    try {
      const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['I look around the beach for anything useful'] });
      expect(r.error).toBeNull();
      const chats = s.requests.filter((q) => q.path === '/v1/chat/completions');
      expect(chats.map((q) => q.body.response_format?.json_schema?.name)).toEqual(['intent', 'turn']);
      const turn = r.events.flatMap((e) => (e.type === 'turn' && e.usage ? [e.usage] : []));
      expect(turn).toHaveLength(1);
      expect(turn[0]!.prompt_tokens).toBe(s.promptTokens[0]! + s.promptTokens[1]!);
    } finally {
      await s.close();
    }
  });
});

describe('the intent call and the prompt cache', () => {
  it('is sent after the same story prefix as the turn that follows, so a one-prompt cache serves both', async () => {
    const s = await startWindowServer({ flavour: 'llamacpp', window: 8192 });
    try {
      const r = await playModelGame({ pack: lighthouse, baseURL: s.baseURL, inputs: ['1', 'I look around the beach for anything useful'] });
      expect(r.error).toBeNull();
      const chats = s.requests.filter((q) => q.path === '/v1/chat/completions');
      const intent = chats.find((q) => q.body.response_format?.json_schema?.name === 'intent')!;
      const turn = chats[chats.indexOf(intent) + 1]!;
      const prefix = (q: typeof intent) => JSON.stringify(q.body.messages.slice(0, -1));
      expect(intent.body.messages.length).toBeGreaterThan(2);
      expect(prefix(intent)).toBe(prefix(turn));
      expect(String(intent.body.messages.at(-1).content)).toMatch(/^## Engine question: do not narrate/);
    } finally {
      await s.close();
    }
  });
});

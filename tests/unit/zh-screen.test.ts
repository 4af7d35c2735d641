/**
 * A whole Chinese game in process, as a player on a pipe sees it: the real session (its
 * notices), the real Game with the offline narrator, the real plain ui writing to captured
 * streams. Every engine string must be Chinese: once the pack's own text, the player's own
 * input, and named technical words (commands, env vars, product names) are taken out, no run
 * of three Latin letters may be left on the screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runGame, sessionNotices } from '../../src/cli/session.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { MemorySaveStore } from '../../src/adapters/memory-store.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { LineReader } from '../../src/adapters/ui/line-reader.js';
import { PlainUi } from '../../src/adapters/ui/plain-ui.js';
import { emptyTimeline, FORMAT_VERSION } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { ConfigValues, resolveSettings } from '../../src/core/settings.js';
import { interfaceLanguage, messages } from '../../src/core/messages/index.js';
import { zh } from '../../src/core/messages/zh.js';
import { en } from '../../src/core/messages/en.js';
import type { Pack } from '../../src/core/pack.js';
import { startWindowServer } from '../helpers/window-servers.js';
import { playModelGame } from '../helpers/model-game.js';

const HOME = mkdtempSync(join(tmpdir(), 'pq-zh-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

/** Every string and key anywhere in the pack: its own words may be in any language. */
function packTexts(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) packTexts(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      packTexts(v, into);
    }
  }
  return into;
}

/** Words that are names, not English: URLs, the tool's commands, flags, env vars, servers. */
const TECHNICAL = [
  /https?:\/\/[\w.:/-]+/g, /\bpromptquest(?: (?:continue|replay|play))?/g, /\/[a-z]+/g, /--[a-z-]+/g, /\bOPENAI_API_KEY\b/g,
  /\bOllama\b/g, /\bllama\.cpp\b/g, /\bLM Studio\b/g, /\bvLLM\b/g, /\bMidjourney\b/g, /\bCtrl-C\b/g,
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What is left of the screen once the names, the pack's text and the player's input are out. */
function engineWords(screen: string, pack: Pack, extra: string[]): string {
  let rest = screen;
  for (const re of TECHNICAL) rest = rest.replace(re, ' ');
  const known = [...packTexts({ manifest: pack.manifest, script: pack.script, lore: pack.lore }), ...extra].filter((t) => t.trim().length >= 2);
  for (const text of known.sort((a, b) => b.length - a.length)) {
    // A Latin word of the pack ("id", a flag name) only goes as a whole word, never from inside an English one.
    rest = /^[\x20-\x7e]+$/.test(text) ? rest.replace(new RegExp(`(?<![A-Za-z])${escape(text)}(?![A-Za-z])`, 'g'), ' ') : rest.split(text).join(' ');
  }
  return rest;
}

async function playZhGame(inputs: string[], configured?: string) {
  const pack = loadPack('ruins', HOME);
  const out = new PassThrough();
  const err = new PassThrough();
  let screen = '';
  out.on('data', (d: Buffer) => (screen += d.toString()));
  err.on('data', (d: Buffer) => (screen += d.toString()));
  const ui = new PlainUi(new LineReader(Readable.from(inputs.map((l) => `${l}\n`))), { images: 'prompt' }, out, err);
  const store = new MemorySaveStore();
  const slot = 'ruins-zh-1';
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  await store.create({
    type: 'header', format: FORMAT_VERSION, slot,
    pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: null },
    provider: 'offline', model: null, base_url: null, vars: state.vars, created: new Date().toISOString(), forked_from: null,
  });
  const language = interfaceLanguage({ configured, pack: pack.manifest.language, env: { LANG: 'en_US.UTF-8' } });
  sessionNotices(ui, resolveSettings({ flags: {}, env: {}, config: {} }), messages(language));
  const end = await runGame({ pack, narrator: new OfflineNarrator(), ui, store, slot, timeline: emptyTimeline(), initialState: state, language });
  ui.close();
  return { end, screen, pack, slot, where: store.describe(slot) };
}

describe('a Chinese game speaks Chinese', () => {
  it('help, state, memory, usage, bad commands, a number out of range, the ending: no English engine string', async () => {
    const inputs = [
      '/help', '/state', '/memory', '/usage', '/foo', '9', 'quit', '/undo', '/retry', '/redo', '/alt 5', '/save',
      ...Array.from({ length: 13 }, () => '1'), // always the first choice: the win (the pack's own test)
      '/state', '/image', '再走走',
    ];
    const { end, screen, pack, slot, where } = await playZhGame(inputs);
    expect(end).toBe('ending');
    // The places the check looks at are all on screen, in Chinese.
    expect(screen).toContain('输入选项编号');
    expect(screen).toMatch(/属性：勇气 \d+\/10、体力 \d+\/5\n物品：/);
    expect(screen).toContain(zh.commands.memoryOffline);
    expect(screen).toContain(zh.commands.usageOffline);
    expect(screen).toContain('没有“/foo”这个指令');
    expect(screen).toContain('没有第 9 个选项');
    expect(screen).toContain('★ 胜利：'); // a full-width colon
    expect(screen).toContain(zh.session.offline);
    const left = engineWords(screen, pack, [...inputs, slot, where]);
    expect(left.match(/[A-Za-z]{3,}/g) ?? []).toEqual([]);
  });

  it('the check would catch English: the same game with an English interface leaves English words', async () => {
    const inputs = ['/help', '/state', '/memory', '/usage', '/foo', '9', ...Array.from({ length: 13 }, () => '1')];
    const { screen, pack, slot, where } = await playZhGame(inputs, 'en');
    const left = engineWords(screen, pack, [...inputs, slot, where]).match(/[A-Za-z]{3,}/g) ?? [];
    for (const word of ['Type', 'Stats', 'Inventory', 'Offline', 'Unknown', 'There', 'won', 'Playing', 'Saved']) expect(left).toContain(word);
  });
});

describe('a Chinese game with a model', () => {
  it('/memory, /usage and the hints are Chinese too (the engine words; the model writes its own)', async () => {
    const s = await startWindowServer({ flavour: 'llamacpp', window: 8192 });
    try {
      const pack = loadPack('ruins', HOME);
      const inputs = ['1', '/memory', '/usage', '/state', '/foo', '9', '/retry'];
      const r = await playModelGame({ pack, baseURL: s.baseURL, inputs });
      expect(r.error).toBeNull();
      const [memory, usage] = r.ui.infos;
      expect(memory).toMatch(/^现在发给模型的内容（词元数为估算；上下文窗口 8,192，由 llama\.cpp 报告）：/);
      expect(memory).toMatch(/^ {2}系统提示 +[\d,]+ {2}故事包的提示和引擎规则$/m);
      expect(memory).toMatch(/^ {2}合计 +[\d,]+ {2}（提示最多 [\d,]+，留给回复 900，/m);
      expect(usage).toMatch(/^这一回合：提示 [\d,]+.* \+ 回复 [\d,]+ = [\d,]+ 词元\n整局：/);
      const engine = [...r.ui.infos, ...r.ui.notices].join('\n');
      expect(engineWords(engine, pack, [...inputs, 'fake-model']).match(/[A-Za-z]{3,}/g) ?? []).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

/** Every key path of a catalogue, with the kind of value (a string, a function, ...). */
const shape = (o: object, at = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? shape(v as object, `${at}${k}.`) : [`${at}${k}:${typeof v}`]));

describe('the catalogue', () => {
  it('zh has every key of en, of the same kind (tsc checks it too: zh is typed as Messages)', () => {
    expect(shape(zh).sort()).toEqual(shape(en).sort());
  });
});

describe('which language the interface speaks', () => {
  it('an explicit choice, then the pack, then LANG, then English', () => {
    expect(interfaceLanguage({ configured: 'en', pack: 'zh-CN', env: { LANG: 'zh_CN.UTF-8' } })).toBe('en');
    expect(interfaceLanguage({ pack: 'zh-CN', env: { LANG: 'en_US.UTF-8' } })).toBe('zh');
    expect(interfaceLanguage({ pack: 'fr', env: { LANG: 'zh_CN.UTF-8' } })).toBe('zh');
    expect(interfaceLanguage({ pack: 'fr', env: { LC_ALL: 'zh_TW', LANG: 'en_US' } })).toBe('zh');
    expect(interfaceLanguage({ pack: 'fr', env: {} })).toBe('en');
  });

  it('config accepts language en or zh, and nothing else', () => {
    expect(ConfigValues.safeParse({ language: 'zh' }).success).toBe(true);
    expect(ConfigValues.safeParse({ language: 'fr' }).success).toBe(false);
  });

  it('a Chinese game told to speak English (config language en) does', async () => {
    const { screen } = await playZhGame(['/help', '9']);
    expect(screen).not.toContain('Type a choice number');
    const english = await playZhGame(['/help', '9'], 'en');
    expect(english.screen).toContain('Type a choice number');
    expect(english.screen).toContain('There is no choice 9');
    expect(english.screen).toContain('── Turn 1 ──');
  });
});

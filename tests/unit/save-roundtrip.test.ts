/**
 * A save the engine writes always loads again. The property drives the real engine
 * (Game) with arbitrary model replies inside the Reply limits — hostile names such as
 * "toString" or "__proto__", prompts near the length limits, any unicode — through
 * extractReply, cleanReply/applyProposal and the pack's image style, into a real
 * FileSaveStore, then loads the file and folds it: it must hold exactly what was
 * appended. The unit tests pin each way a save used to become unloadable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Game } from '../../src/engine/game.js';
import type { Narration, Narrator, SaveStore, TurnView, Ui } from '../../src/engine/ports.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { MemorySaveStore } from '../../src/adapters/memory-store.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { OpenAINarrator } from '../../src/adapters/openai-narrator.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { extractReply } from '../../src/core/extract.js';
import { composeImagePrompt } from '../../src/core/image.js';
import {
  emptyTimeline, fold, FORMAT_VERSION, lineTo, mainLine, type Header, type JournalEvent, type TurnEvent, type Usage,
} from '../../src/core/journal.js';
import { Manifest, Script, type Pack } from '../../src/core/pack.js';
import { checkScript } from '../../src/core/pack-check.js';
import { applyProposal, holds } from '../../src/core/reducer.js';
import { LIMITS, NO_CHANGES, Reply, Turn } from '../../src/core/reply.js';
import { currentScene } from '../../src/core/script.js';
import { initialState } from '../../src/core/state.js';
import { renderTemplate } from '../../src/core/template.js';
import { startOpenAIServer, validReply, type FakeServer } from '../helpers/openai-server.js';

const HOME = mkdtempSync(join(tmpdir(), 'pq-roundtrip-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

/** Names that are inherited by every plain object, and so were found by `in` and `obj[name]`. */
const HOSTILE = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

/** A long style and suffix, as a pack may set: a legal 590-char model prompt plus these exceeds 600. */
const STYLE = 'oil painting in the manner of the Hudson River School, dramatic chiaroscuro, volumetric fog, muted teal and amber palette, fine brush texture, '.repeat(2).trim();
const SUFFIX = '--ar 16:9 --v 6 --style raw';

/** A pack played freely by the model: its proposals go through applyProposal. */
const freePack: Pack = {
  manifest: Manifest.parse({
    id: 'roundtrip', title: 'Round trip', version: '1.0.0', language: 'en',
    image: { style: STYLE, suffix: SUFFIX },
    state: { stats: { health: { start: 5, min: 0, max: 10 }, gold: { start: 0, min: -1e6, max: 1e6 } }, flags: { lamp_lit: false }, inventory: ['lamp'] },
  }),
  dir: HOME, hash: 'h', systemTemplate: 'You narrate.', examples: [], lore: [], script: null,
};

class QuietUi implements Ui {
  readonly notices: string[] = [];
  constructor(private readonly inputs: string[]) {}
  showTurn(_view: TurnView): void {}
  ask(): Promise<string | null> {
    return Promise.resolve(this.inputs.shift() ?? null);
  }
  notice(text: string): void {
    this.notices.push(text);
  }
  info(): void {}
  event(): void {}
  close(): void {}
}

/** The model port as the OpenAI narrator fills it: raw JSON text, then extractReply. */
class ModelReplies implements Narrator {
  readonly provider = 'openai' as const;
  readonly model = 'scripted';
  readonly remembers = true;
  private n = 0;
  constructor(private readonly replies: readonly Reply[], private readonly usages: readonly (Usage | null)[]) {}
  narrate(): Promise<Narration> {
    const i = this.n++;
    const raw = JSON.stringify(this.replies[i % this.replies.length]);
    const got = extractReply(raw);
    if (!got.ok) return Promise.reject(new Error(`a reply within the Reply limits was not extracted: ${got.error}`));
    return Promise.resolve({ kind: 'reply', reply: got.value, raw, usage: this.usages[i % this.usages.length] ?? null, calls: 1 });
  }
}

/** The file store, keeping a copy of every event it accepted. */
class RecordingStore implements SaveStore {
  readonly appended: JournalEvent[] = [];
  constructor(readonly inner: FileSaveStore) {}
  exists = (slot: string) => this.inner.exists(slot);
  create = (header: Header, events?: readonly JournalEvent[]) => this.inner.create(header, events);
  load = (slot: string) => this.inner.load(slot);
  list = () => this.inner.list();
  remove = (slot: string) => this.inner.remove(slot);
  describe = (slot: string) => this.inner.describe(slot);
  async append(slot: string, event: JournalEvent): Promise<void> {
    await this.inner.append(slot, event);
    this.appended.push(structuredClone(event));
  }
}

const headerFor = (pack: Pack, slot: string, vars: Record<string, string>): Header => ({
  type: 'header', format: FORMAT_VERSION, slot,
  pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: pack.dir },
  provider: 'openai', model: 'scripted', base_url: null, vars, created: new Date().toISOString(), forked_from: null,
});

let slots = 0;

/** Play a whole game into a fresh slot, then load it back. */
async function playAndReload(pack: Pack, narrator: Narrator, inputs: string[]) {
  const store = new RecordingStore(new FileSaveStore(join(HOME, 'saves')));
  const slot = `rt${++slots}`;
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  await store.create(headerFor(pack, slot, state.vars));
  const game = new Game({ pack, narrator, ui: new QuietUi(inputs), store, slot, timeline: emptyTimeline(), initialState: state });
  await game.run();
  const loaded = await store.load(slot);
  return { game, store, loaded };
}

/** Loaded events equal the appended ones, and fold to the game's own timeline. */
function expectSameSave({ game, store, loaded }: Awaited<ReturnType<typeof playAndReload>>) {
  expect(loaded.warnings).toEqual([]);
  expect(loaded.events).toStrictEqual(store.appended);
  expect(fold(loaded.events)).toEqual(game.o.timeline);
}

// ---- arbitrary model replies within the Reply limits ----

const units = ['grapheme-ascii', 'grapheme', 'binary'] as const;

/** Any text of length min..max (UTF-16 units, as zod counts); a cut may leave a lone surrogate. */
const text = (min: number, max: number) =>
  fc.constantFrom(...units).chain((unit) => fc.string({ unit, minLength: min, maxLength: max })).map((s) => s.slice(0, max));

/** Mostly short text, sometimes right at the limit. */
const textUpTo = (min: number, max: number) =>
  fc.oneof({ arbitrary: text(min, Math.min(max, 40)), weight: 3 }, { arbitrary: text(Math.max(min, max - 40), max), weight: 1 });

const name = fc.oneof(
  fc.constantFrom(...HOSTILE, 'health', 'gold', 'lamp_lit', 'lamp', '灯', 'épée'),
  text(0, LIMITS.name),
);

const delta = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: LIMITS.listItems });

const reply: fc.Arbitrary<Reply> = fc.record({
  narration: textUpTo(1, LIMITS.narration),
  choices: fc.array(textUpTo(1, LIMITS.choice), { minLength: LIMITS.choicesMin, maxLength: LIMITS.choicesMax }),
  image_prompt: fc.oneof(fc.constant(null), textUpTo(0, LIMITS.imagePrompt)),
  state_changes: fc.record({
    add_items: list(name),
    remove_items: list(name),
    stats: list(fc.record({ name, delta })),
    flags: list(fc.record({ name, value: fc.boolean() })),
  }),
  game_over: fc.oneof(
    { arbitrary: fc.constant(null), weight: 4 },
    { arbitrary: fc.record({ outcome: fc.constantFrom('win' as const, 'lose' as const, 'end' as const), reason: textUpTo(0, LIMITS.reason) }), weight: 1 },
  ),
});

const usage: fc.Arbitrary<Usage | null> = fc.option(fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() }, { noNullPrototype: true }), { nil: null });

const input = fc.oneof(fc.constantFrom('1', '2', '6', '/undo', '/redo', '/retry', '/alt 1', '/alt 2'), text(1, 60));

describe('round trip: whatever a model may say, the save loads back as written', () => {
  it('arbitrary replies within the Reply limits -> engine -> FileSaveStore -> load -> fold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(reply, { minLength: 1, maxLength: 4 }),
        fc.array(usage, { minLength: 1, maxLength: 3 }),
        fc.array(input, { maxLength: 4 }),
        async (replies, usages, inputs) => {
          expect(replies.every((r) => Reply.safeParse(r).success)).toBe(true); // the arbitrary keeps to the contract
          const r = await playAndReload(freePack, new ModelReplies(replies, usages), inputs);
          expectSameSave(r);
          // The model cannot conjure stats or flags, and every stat stays a finite number.
          const declared = freePack.manifest.state;
          for (const e of r.loaded.events.filter((x): x is TurnEvent => x.type === 'turn')) {
            expect(Object.keys(e.state.stats).every((k) => Object.hasOwn(declared.stats, k))).toBe(true);
            expect(Object.values(e.state.stats).every(Number.isFinite)).toBe(true);
            expect(Object.keys(e.state.flags).every((k) => Object.hasOwn(declared.flags, k))).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a legal 590-character image prompt with the pack style (over 600 in all) is saved and loads', async () => {
    const prompt = 'a lighthouse on a black cliff above a winter sea, '.repeat(12).slice(0, 590);
    const r = await playAndReload(freePack, new ModelReplies([{ ...validReply(), image_prompt: prompt }], [null]), ['1']);
    expectSameSave(r);
    const stored = mainLine(fold(r.loaded.events)).map((e) => e.turn.image_prompt);
    expect(stored).toEqual([composeImagePrompt(freePack.manifest, prompt), composeImagePrompt(freePack.manifest, prompt)]);
    expect(stored[0]?.length).toBeGreaterThan(LIMITS.imagePrompt);
  });

  it('authored text longer than a model may write (say + scene, choices, ending reason) is saved and loads', async () => {
    const script = Script.parse({
      start: 'start',
      scenes: {
        start: {
          text: `The tower. ${'Waves break on the rocks below. '.repeat(100)}`,
          image: 'a lighthouse at dusk, '.repeat(27).slice(0, 590),
          choices: [
            { text: `Climb the stairs ${'step by careful step '.repeat(12)}`, say: 'You climb. '.repeat(250), goto: 'top' },
            { text: 'Wait' },
          ],
        },
        top: { text: 'The lamp room. '.repeat(150), ending: { outcome: 'win', reason: 'The light burns again. '.repeat(20) } },
      },
    });
    const pack: Pack = { ...freePack, manifest: Manifest.parse({ ...freePack.manifest, id: 'longtext' }), script };
    const r = await playAndReload(pack, new OfflineNarrator(), ['1']);
    expectSameSave(r);
    const [opening, ending] = mainLine(fold(r.loaded.events));
    expect(opening?.turn.choices[0]?.length).toBeGreaterThan(LIMITS.choice);
    expect(ending?.turn.narration.length).toBeGreaterThan(LIMITS.narration);
    expect(ending?.turn.game_over?.reason.length).toBeGreaterThan(LIMITS.reason);
  });
});

describe('names a model or a save may use that every object inherits', () => {
  const model = freePack.manifest.state;
  const start = initialState(freePack.manifest, {}, null);

  it.each(HOSTILE)('a stat named %s is refused with a note; the state stays numeric', (stat) => {
    const { state, notes } = applyProposal(start, { ...NO_CHANGES, stats: [{ name: stat, delta: 3 }, { name: 'health', delta: 1 }] }, model);
    expect(notes).toEqual([`unknown stat "${stat}" ignored`]);
    expect(state.stats).toStrictEqual({ health: 6, gold: 0 });
  });

  it.each(HOSTILE)('a flag named %s is refused with a note', (flag) => {
    const { state, notes } = applyProposal(start, { ...NO_CHANGES, flags: [{ name: flag, value: true }] }, model);
    expect(notes).toEqual([`unknown flag "${flag}" ignored`]);
    expect(state.flags).toStrictEqual({ lamp_lit: false });
  });

  it('conditions read inherited names as absent; a scene called "constructor" does not exist', () => {
    expect(holds({ flags: { toString: false }, stat_below: { valueOf: 1 } }, start)).toBe(true);
    const script = Script.parse({ start: 'a', scenes: { a: { text: 'A', choices: [{ text: 'x', goto: 'constructor' }, { text: 'y' }] }, b: { text: 'B', ending: { outcome: 'end', reason: 'r' } } } });
    expect(checkScript(script, freePack.manifest).map((p) => p.message)).toContain('scene "constructor" does not exist');
    expect(() => currentScene(script, { ...start, scene: 'constructor' })).toThrow('script has no scene "constructor"');
  });

  it('a pack variable or placeholder called "constructor" is not found on Object.prototype', () => {
    const manifest = Manifest.parse({ id: 'v', title: 'V', version: '1', language: 'en', variables: [{ name: 'constructor', prompt: 'Name?', default: 'Ann' }] });
    expect(initialState(manifest, {}, null).vars).toStrictEqual({ constructor: 'Ann' });
    expect(renderTemplate('{{constructor}} {{__proto__}} {{var.constructor}}', { ...freePack, manifest }, {})).toEqual({
      text: '{{constructor}} {{__proto__}} {{var.constructor}}',
      unknown: ['constructor', '__proto__', 'var.constructor'],
    });
  });
});

describe('usage from a server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  const narrator = () => new OpenAINarrator({
    model: 'fake-model', baseURL: server.baseURL, apiKey: null, timeoutMs: 10_000,
    cache: { get: () => undefined, set: () => undefined },
    contextCache: { get: () => undefined, set: () => undefined },
  });

  it('usage {} is stored as null, and the save loads', async () => {
    server.enqueue({ kind: 'ok', reply: validReply(), usage: {} });
    const lighthouse = loadPack('lighthouse', HOME);
    const r = await playAndReload(lighthouse, narrator(), ['1']);
    expectSameSave(r);
    expect(mainLine(fold(r.loaded.events)).map((e) => e.usage)).toEqual([null, null]);
    expect(server.requests.filter((q) => q.path === '/v1/chat/completions')).toHaveLength(1);
  });

  it('partial or non-numeric usage becomes null; complete usage is kept', async () => {
    const lighthouse = loadPack('lighthouse', HOME);
    const request = { pack: lighthouse, state: initialState(lighthouse.manifest, {}, null), summary: null, history: [], said: 'look', rails: null, authored: null, notes: [] };
    const full = { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 };
    for (const [sent, kept] of [[{ prompt_tokens: 12 }, null], [{ ...full, total_tokens: 'many' }, null], [full, full]] as const) {
      server.enqueue({ kind: 'ok', reply: validReply(), usage: sent });
      const got = await narrator().narrate(request);
      expect(got.kind === 'reply' && got.usage).toStrictEqual(kept ?? null);
    }
  });
});

describe('MemorySaveStore keeps to the port', () => {
  // Created before its turns were played, as any game is (a fork's later creation would be its last played time).
  const header = { ...headerFor(freePack, 'm', {}), created: '2025-01-01T00:00:00.000Z' };
  const turn = (id: number, parent: number | null, over: Partial<TurnEvent> = {}): TurnEvent => ({
    type: 'turn', id, parent, input: parent === null ? null : '1', said: null, raw: null,
    turn: { ...validReply(), narration: `turn ${id}` }, state: initialState(freePack.manifest, {}, null),
    usage: null, calls: 1, notes: [], at: `2025-01-01T00:00:0${id}.000Z`, ...over,
  });

  it('create keeps a fork\'s events; list summarises like the file store', async () => {
    const store = new MemorySaveStore();
    const events: JournalEvent[] = [turn(0, null), turn(1, 0, { turn: { ...validReply(), game_over: { outcome: 'win', reason: 'done' } } }), turn(2, 0), { type: 'select', to: 1, at: '2025-01-01T00:00:09.000Z' }];
    await store.create({ ...header, forked_from: { slot: 'x', turn: 2 } }, events);
    expect((await store.load('m')).events).toStrictEqual(events);
    expect(await store.list()).toEqual([{ slot: 'm', header: { ...header, forked_from: { slot: 'x', turn: 2 } }, turns: 2, lastPlayed: '2025-01-01T00:00:09.000Z', ending: 'win: done' }]);
  });

  it('refuses, like the file store, an event that could not be loaded again', async () => {
    const store = new MemorySaveStore();
    await store.create(header);
    await expect(store.append('m', turn(0, null, { usage: {} as Usage }))).rejects.toThrow(/^refusing to save an event that could not be loaded again: usage\.prompt_tokens: /);
    expect((await store.load('m')).events).toEqual([]);
  });
});

describe('lineTo', () => {
  const ev = (id: number, parent: number | null): TurnEvent => ({
    type: 'turn', id, parent, input: null, said: null, raw: null, turn: validReply(),
    state: initialState(freePack.manifest, {}, null), usage: null, calls: 0, notes: [], at: 'x',
  });

  it('is the turns from the root to id, in play order; mainLine is lineTo(head)', () => {
    const t = fold([ev(0, null), ev(1, 0), ev(2, 1), ev(3, 1), { type: 'undo', to: 1, at: 'x' }]);
    expect(lineTo(t, 2).map((e) => e.id)).toEqual([0, 1, 2]);
    expect(lineTo(t, 3).map((e) => e.id)).toEqual([0, 1, 3]);
    expect(lineTo(t, 0).map((e) => e.id)).toEqual([0]);
    expect(lineTo(t, 9)).toEqual([]);
    expect(mainLine(t)).toEqual(lineTo(t, 1));
    expect(mainLine(fold([]))).toEqual([]);
  });

  it('a parent cycle (a hand-edited save) ends the walk', () => {
    const t = fold([ev(0, 1), ev(1, 0)]);
    expect(lineTo(t, 1).map((e) => e.id)).toEqual([0, 1]);
  });
});

describe('the stored Turn carries no model-reply limits; Reply keeps them', () => {
  it('long authored text is a valid Turn and still an invalid Reply', () => {
    const long = { ...validReply(), narration: 'n'.repeat(LIMITS.narration + 1), image_prompt: 'i'.repeat(LIMITS.imagePrompt + 1), choices: ['c'.repeat(LIMITS.choice + 1), 'b'], game_over: { outcome: 'win' as const, reason: 'r'.repeat(LIMITS.reason + 1) } };
    expect(Turn.safeParse(long).success).toBe(true);
    expect(Reply.safeParse(long).success).toBe(false);
    expect(Turn.safeParse({ ...long, narration: '' }).success).toBe(false);
    expect(Turn.safeParse({ ...long, choices: Array(LIMITS.choicesMax + 1).fill('c') }).success).toBe(false);
  });
});

/**
 * Transcript tests: the real engine (Game) plays whole games with the real offline
 * narrator or a scripted narrator (a test double of the model port), a scripted ui and
 * a real FileSaveStore in a temp dir. Deterministic: no clock, no network.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Game, type GameEnd } from '../../src/engine/game.js';
import type { Narration, NarrationRequest, Narrator } from '../../src/engine/ports.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { RecordingUi } from '../helpers/model-game.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { emptyTimeline, fold, FORMAT_VERSION, mainLine, type Header } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { NO_CHANGES, type Reply } from '../../src/core/reply.js';
import type { Pack } from '../../src/core/pack.js';

const HOME = mkdtempSync(join(tmpdir(), 'pq-transcript-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

const ScriptedUi = RecordingUi;

/** A test double of the model port: returns queued replies and records each request. */
class ScriptedNarrator implements Narrator {
  readonly provider = 'openai' as const;
  readonly model = 'scripted';
  readonly remembers = true;
  readonly requests: NarrationRequest[] = [];
  constructor(private readonly replies: Reply[]) {}
  narrate(request: NarrationRequest): Promise<Narration> {
    this.requests.push(structuredClone({ ...request, pack: null }) as unknown as NarrationRequest);
    const reply = this.replies.shift();
    if (!reply) return Promise.reject(new Error('the scripted narrator has no reply queued'));
    return Promise.resolve({ kind: 'reply', reply, raw: JSON.stringify(reply), usage: null, calls: 1 });
  }
}

const reply = (narration: string, over: Partial<Reply> = {}): Reply => ({
  narration,
  choices: ['Go on', 'Wait'],
  image_prompt: null,
  state_changes: NO_CHANGES,
  game_over: null,
  ...over,
});

let slots = 0;

async function play(pack: Pack, narrator: Narrator, inputs: string[]) {
  const store = new FileSaveStore(join(HOME, 'saves'));
  const slot = `t${++slots}`;
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  const header: Header = {
    type: 'header', format: FORMAT_VERSION, slot,
    pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: pack.dir },
    provider: narrator.provider, model: narrator.model, base_url: null, vars: state.vars,
    created: new Date().toISOString(), forked_from: null,
  };
  await store.create(header);
  const ui = new ScriptedUi(inputs);
  const game = new Game({ pack, narrator, ui, store, slot, timeline: emptyTimeline(), initialState: state });
  const end: GameEnd = await game.run();
  return { game, ui, store, slot, end };
}

/** The save on disk folds back to the same main line the game ended on. */
async function expectJournalMatches(r: Awaited<ReturnType<typeof play>>) {
  const loaded = await r.store.load(r.slot);
  expect(loaded.warnings).toEqual([]);
  const onDisk = mainLine(fold(loaded.events));
  const inGame = mainLine(r.game.o.timeline);
  expect(onDisk.map((e) => e.id)).toEqual(inGame.map((e) => e.id));
  expect(onDisk.at(-1)?.state).toEqual(inGame.at(-1)?.state);
  expect(onDisk.map((e) => e.turn.narration)).toEqual(inGame.map((e) => e.turn.narration));
  return loaded;
}

const lighthouse = loadPack('lighthouse', HOME);
const ruins = loadPack('ruins', HOME);

describe('offline narrator plays the bundled packs', () => {
  it('lighthouse: typing 1 every time wins', async () => {
    const r = await play(lighthouse, new OfflineNarrator(), [...Array<string>(12).fill('1'), '1']);
    expect(r.end).toBe('ending');
    expect(r.ui.shown.map((v) => v.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(r.ui.last.turn.game_over?.outcome).toBe('win');
    expect(r.ui.last.turn.choices).toEqual([]);
    expect(r.ui.last.state.scene).toBe('win_dawn');
    expect(r.ui.last.state.flags).toMatchObject({ keeper_helped: true, lamp_lit: true });
    expect(r.ui.asked.at(-1)?.ended).toBe(true);
    await expectJournalMatches(r);
  });

  it('ruins: free text 直接进入遗迹, a wrong answer 火, then 风 and 稻草 reach the win', async () => {
    const inputs = ['我要直接进入遗迹！', '1', '火', '风', '1', '稻草', '1', '1', '1'];
    const r = await play(ruins, new OfflineNarrator(), inputs);
    const scenes = r.ui.shown.map((v) => v.state.scene);
    expect(scenes).toEqual(['start', 'hall', 'stone_door', 'stone_door', 'echo_hall', 'granary', 'seal_room', 'seal_room', 'altar', 'ending_win']);
    const [, sneaked, , wrong] = r.ui.shown;
    expect(sneaked?.state.flags.sneaked_in).toBe(true);
    expect(sneaked?.turn.narration).toContain('墙缝');
    expect(wrong?.turn.narration).toContain('不对');
    expect(wrong?.state.flags.door_open).toBe(false);
    expect(wrong?.state.misses).toBe(1);
    expect(r.ui.last.turn.game_over?.outcome).toBe('win');
    expect(r.ui.last.state.inventory).toContain('古老的印章');
    expect(r.end).toBe('eof');
    const loaded = await expectJournalMatches(r);
    // The right answers are recorded as typed, but never passed on as what the player "said".
    const right = loaded.events.filter((e) => e.type === 'turn' && (e.input === '风' || e.input === '稻草'));
    expect(right).toHaveLength(2);
    for (const e of right) if (e.type === 'turn') expect(e.said).not.toMatch(/风|稻草/);
  });
});

describe('in-game commands', () => {
  it('/state, /undo, /redo, a branch after undo, /quit', async () => {
    const r = await play(lighthouse, new OfflineNarrator(), ['1', '/state', '/undo', '/redo', '/undo', '2', '/undo', '/undo', '/quit', '1']);
    expect(r.end).toBe('quit');
    const shown = r.ui.shown.map((v) => [v.n, v.state.scene, v.state.stats.warmth]);
    expect(shown).toEqual([
      [1, 'shore', 5],
      [2, 'cliff_path', 4], // the cliff path costs warmth
      [1, 'shore', 5], // /undo: state and scene go back
      [2, 'cliff_path', 4], // /redo
      [1, 'shore', 5],
      [2, 'boat', 5], // a new branch
      [1, 'shore', 5],
    ]);
    expect(r.ui.infos[0]).toMatch(/Stats: Warmth 4\/5, Resolve 3\/10\nInventory: tinderbox/);
    expect(r.ui.events.find((e) => e.type === 'state')?.data).toMatchObject({ state: { scene: 'cliff_path' } });
    expect(r.ui.notices).toEqual(['Nothing to undo: this is the opening.']);
    expect(r.ui.events.filter((e) => e.type === 'undo').map((e) => e.data.to_turn)).toEqual([1, 1, 1]);
    const loaded = await expectJournalMatches(r);
    expect(loaded.events.map((e) => e.type)).toEqual(['turn', 'turn', 'undo', 'redo', 'undo', 'turn', 'undo']);
    expect(fold(loaded.events).turns.size).toBe(3);
  });

  it('/retry keeps the alternatives, /alt lists and switches them; the script, not the model, decides', async () => {
    const narrator = new ScriptedNarrator([
      reply('First telling of the climb.', { choices: ['Model choice A', 'Model choice B'], state_changes: { ...NO_CHANGES, add_items: ['gold'] } }),
      reply('Second telling of the climb.'),
    ]);
    const r = await play(lighthouse, narrator, ['1', '/retry', '/alt', '/alt 1', '/alt 9']);
    // The opening of a scripted pack is authored: no model call.
    expect(narrator.requests).toHaveLength(2);
    expect(narrator.requests[0]?.said).toBe('1. Climb the cliff path toward the dark tower');
    expect(narrator.requests[1]?.said).toBe(narrator.requests[0]?.said);
    expect(narrator.requests[0]?.rails?.event).toContain('Climb the cliff path');
    const narrations = r.ui.shown.map((v) => v.turn.narration);
    expect(narrations.slice(1)).toEqual(['First telling of the climb.', 'Second telling of the climb.', 'First telling of the climb.']);
    expect(r.ui.notices[0]).toBe('Alternative 2 of 2 (/alt to browse).');
    expect(r.ui.infos[0]).toMatch(/ {2}1\. First telling.*\n\* 2\. Second telling/);
    expect(r.ui.notices.at(-1)).toBe('No alternative 9: there are 2.');
    // Rails: the authored choices and state win over the model's proposals.
    const head = r.ui.last;
    expect(head.turn.choices).toEqual(["Go to the keeper's cottage", 'Cut across the Hook, the short way to the tower']);
    expect(head.state.inventory).toEqual(['tinderbox']);
    expect(head.state.scene).toBe('cliff_path');
    await expectJournalMatches(r);
  });
});

describe('free play (a pack without a script)', () => {
  const dir = join(HOME, 'tinypack');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'pack.yaml'),
    [
      'id: tiny', 'title: Tiny Cave', 'version: "1"', 'language: en',
      'state:', '  stats:', '    health: { start: 3, min: 0, max: 5 }', '  inventory: [torch]', '  flags: { lit: false }',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'system.md'), 'You narrate {{pack.title}}.\n');

  it("applies the model's allowed changes, refuses the rest and tells the model next turn", async () => {
    const pack = loadPack(dir, HOME);
    expect(pack.script).toBeNull();
    const narrator = new ScriptedNarrator([
      reply('A cave. A lamp lies at your feet.', { choices: ['Take the lamp', 'Leave'], state_changes: { ...NO_CHANGES, add_items: ['lamp'] } }),
      reply('You swing the torch.', {
        choices: ['Go deeper', 'Rest'],
        state_changes: { add_items: ['key'], remove_items: ['sword', 'torch'], stats: [{ name: 'mana', delta: 2 }, { name: 'health', delta: -9 }], flags: [{ name: 'lit', value: true }] },
      }),
      reply('You rest.', { game_over: { outcome: 'end', reason: 'You stayed.' } }),
    ]);
    const r = await play(pack, narrator, ['I swing my torch at the dark', '2', 'anything']);
    expect(r.end).toBe('ending');
    expect(narrator.requests.map((q) => q.said)).toEqual([null, 'I swing my torch at the dark', '2. Rest']);
    expect(narrator.requests.every((q) => q.rails === null && q.authored === null)).toBe(true);
    expect(r.ui.shown.map((v) => v.n)).toEqual([1, 2, 3]); // the narrated opening is shown once
    const [opening, swung, rested] = r.ui.shown;
    expect(opening?.state).toMatchObject({ inventory: ['torch', 'lamp'], flags: { lit: false } });
    expect(swung?.state).toMatchObject({ inventory: ['lamp', 'key'], stats: { health: 0 }, flags: { lit: true } });
    expect(swung?.state.stats).not.toHaveProperty('mana');
    const notes = narrator.requests[2]?.notes ?? [];
    expect(notes).toEqual([
      expect.stringContaining('cannot remove "sword"'),
      expect.stringContaining('unknown stat "mana"'),
      expect.stringContaining('health stays within 0..5'),
    ]);
    expect(rested?.turn.game_over).toEqual({ outcome: 'end', reason: 'You stayed.' });
    const loaded = await expectJournalMatches(r);
    expect(loaded.header.pack.id).toBe('tiny');
    const saved = readFileSync(r.store.describe(r.slot), 'utf8');
    expect(saved.trim().split('\n')).toHaveLength(4); // header + 3 turns, one line each
  });
});

describe('an opening the narrator declines', () => {
  it('ends the game with a runtime failure instead of echoing inputs into nothing', async () => {
    const pack = loadPack(join(HOME, 'tinypack'), HOME);
    const refusing: Narrator = {
      provider: 'openai',
      model: 'refuser',
      remembers: true,
      narrate: () => Promise.resolve({ kind: 'refusal', text: 'I cannot start this story.', calls: 2 }),
    };
    await expect(play(pack, refusing, ['1', 'look'])).rejects.toThrow(/could not begin/);
  });
});

describe('/retry offline', () => {
  it('says why there is nothing to retry instead of making an identical alternative', async () => {
    const r = await play(lighthouse, new OfflineNarrator(), ['1', '/retry', '/alt']);
    expect(r.ui.notices.some((n) => /nothing to retry/.test(n))).toBe(true);
    expect(r.ui.infos.at(-1)?.split('\n').filter((l) => /^\s*\*?\s*\d+\./.test(l))).toHaveLength(1);
  });
});

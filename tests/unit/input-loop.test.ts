/** Issue 9: typos, command words and numbers that pick nothing cost no turn and never reach a narrator. */
import { describe, expect, it } from 'vitest';
import { Game } from '../../src/engine/game.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { MemorySaveStore } from '../../src/adapters/memory-store.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { emptyTimeline, FORMAT_VERSION, mainLine, type Header } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { RecordingUi } from '../helpers/model-game.js';
import type { Pack } from '../../src/core/pack.js';

async function play(pack: Pack, inputs: string[]) {
  const store = new MemorySaveStore();
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  const header: Header = {
    type: 'header', format: FORMAT_VERSION, slot: 's', pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: null },
    provider: 'offline', model: null, base_url: null, vars: state.vars, created: 'now', forked_from: null,
  };
  await store.create(header);
  const ui = new RecordingUi(inputs);
  const game = new Game({ pack, narrator: new OfflineNarrator(), ui, store, slot: 's', timeline: emptyTimeline(), initialState: state });
  await game.run();
  return { ui, turns: mainLine(game.o.timeline).length };
}

describe('inputs that are not moves', () => {
  const lighthouse = loadPack('lighthouse', '/nonexistent-home');
  const ruins = loadPack('ruins', '/nonexistent-home');

  it('out-of-range numbers and bare command words get a hint and use no turn', async () => {
    const r = await play(lighthouse, ['9', '0', '-1', 'quit', 'help', 'undo']);
    expect(r.turns).toBe(1);
    expect(r.ui.notices).toHaveLength(6);
    expect(r.ui.notices[0]).toMatch(/no choice 9: type a number from 1 to 2/);
    expect(r.ui.notices[3]).toMatch(/"quit" is a command: type \/quit/);
  });

  it('Chinese ordinals pick the choice they name; 退出 is a command', async () => {
    const r = await play(ruins, ['退出', '（9）']);
    expect(r.turns).toBe(1);
    expect(r.ui.notices[0]).toMatch(/指令/);
    const picked = await play(ruins, ['第一个']);
    expect(picked.turns).toBe(2);
  });
});

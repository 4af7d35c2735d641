/** Issue 9: typos, command words and numbers that pick nothing cost no turn and never reach a narrator. */
import { describe, expect, it } from 'vitest';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { mainLine } from '../../src/core/journal.js';
import { playOffline, RecordingUi } from '../helpers/model-game.js';
import type { Pack } from '../../src/core/pack.js';

async function play(pack: Pack, inputs: string[]) {
  const ui = new RecordingUi(inputs);
  const { game } = await playOffline(pack, ui);
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

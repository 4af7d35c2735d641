/** Issue 11: the status line's data, the change line, /state's labels, /alt previews, /new asking, and the story going on after an ending. */
import { describe, expect, it } from 'vitest';
import { preview } from '../../src/engine/commands.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { mainLine } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { flagLabels, stateChanges, type StateChangeView, type StatusView } from '../../src/core/status.js';
import { messages } from '../../src/core/messages/index.js';
import { statusLines } from '../../src/adapters/ui/tty-ui.js';
import { displayWidth } from '../../src/adapters/ui/width.js';
import { playOffline, RecordingUi } from '../helpers/model-game.js';
import type { Pack } from '../../src/core/pack.js';

class StatusUi extends RecordingUi {
  readonly statuses: StatusView[] = [];
  readonly changed: StateChangeView[] = [];
  readonly questions: string[] = [];
  constructor(inputs: string[], private readonly answer = false) {
    super(inputs);
  }
  status(v: StatusView): void {
    this.statuses.push(v);
  }
  changes(c: StateChangeView): void {
    this.changed.push(c);
  }
  confirm(question: string): Promise<boolean> {
    this.questions.push(question);
    return Promise.resolve(this.answer);
  }
}

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const ruins = loadPack('ruins', '/nonexistent-home');

async function play(pack: Pack, ui: StatusUi) {
  const { end, game } = await playOffline(pack, ui);
  return { end, line: mainLine(game.o.timeline) };
}

describe('the status line and the change line', () => {
  it('each turn shown gives the scene title, the turn, the labelled stats and the items; a changed stat is reported', async () => {
    const ui = new StatusUi(['1']);
    await play(lighthouse, ui);
    expect(ui.statuses.map((s) => [s.place, s.turn])).toEqual([['The shore', 1], ['The cliff path', 2]]);
    expect(ui.statuses[1]).toMatchObject({ title: 'Last Light on Gullscar', items: 1, tokens: null, stats: [{ label: 'Warmth', value: 4, max: 5 }, { label: 'Resolve', value: 3, max: 10 }] });
    expect(ui.changed).toHaveLength(1);
    expect(messages('en').terminal.change(ui.changed[0]!)).toEqual(['Warmth 5 → 4']);
  });

  it('items gained and lost, in both languages', () => {
    const before = initialState(ruins.manifest, {}, 'start');
    const after = { ...before, stats: { ...before.stats, health: 4 }, inventory: ['印章'] };
    const c = stateChanges(ruins, before, after);
    expect(messages('zh-CN').terminal.change(c)).toEqual(['体力 5 → 4', '+ 印章', '− 火把']);
    expect(messages('zh-CN').terminal.status({ title: '雾谷遗迹', place: '谷口', turn: 3, stats: [], items: 1, tokens: 1234 })).toEqual(['雾谷遗迹', '谷口', '第 3 回合', '物品 1', '1,234 词元']);
  });

  it('laid out in lines no wider than the terminal, broken between parts', () => {
    const parts = messages('en').terminal.status({ title: 'Last Light on Gullscar', place: "The keeper's cottage", turn: 12, stats: [{ label: 'Warmth', value: 4, max: 5 }, { label: 'Resolve', value: 3, max: 10 }], items: 3, tokens: 123456 });
    const lines = statusLines(parts, 37);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(37);
    expect(lines.join(' · ')).toBe(parts.join(' · '));
  });
});

describe('/state, /alt, /new', () => {
  it('/state names set flags by their labels, never by id', async () => {
    const s = initialState(lighthouse.manifest, {}, 'shore');
    expect(flagLabels(lighthouse, { ...s, flags: { ...s.flags, lamp_lit: true, warmed: true } })).toEqual(['Warmed by the cottage fire', 'The lamp is lit']);
    expect(flagLabels(ruins, { ...s, flags: { door_hint: true, door_open: true } })).toEqual(['石门已经打开']); // door_hint is bookkeeping
    const ui = new StatusUi(['/state']);
    await play(lighthouse, ui);
    expect(ui.infos[0]).toMatch(/Stats: Warmth 5\/5, Resolve 3\/10\nInventory: tinderbox\nFlags: —/);
  });

  it('/alt previews end at a word boundary with …', () => {
    const text = 'The path climbs in switchbacks cut by generations of keepers, slick as soap. Spray comes over the top.';
    const shown = preview(text);
    expect(shown).toBe('The path climbs in switchbacks cut by generations of keepers, slick…');
    expect([...shown].length).toBeLessThanOrEqual(70);
    expect(text.startsWith(shown.slice(0, -1))).toBe(true);
    expect(preview('Short text.')).toBe('Short text.');
    expect(preview('风'.repeat(100))).toBe(`${'风'.repeat(69)}…`);
  });

  it('/new asks first: no keeps playing, yes leaves for a new game', async () => {
    const no = new StatusUi(['/new', '/quit'], false);
    expect((await play(lighthouse, no)).end).toBe('quit');
    expect(no.questions).toEqual(['Leave this game (it stays saved) and start a new one?']);
    expect((await play(lighthouse, new StatusUi(['/new'], true))).end).toBe('new');
  });
});

describe('after an ending, the story goes on', () => {
  it('offline: /continue tells the authored epilogue once, as a further turn that keeps the ending', async () => {
    const ui = new StatusUi(['1', '2', '2', '/continue', '/continue I look at the sea']);
    const { line } = await play(lighthouse, ui);
    expect(line).toHaveLength(5);
    const last = line.at(-1)!;
    expect(last.input).toBe('(continue the story)');
    expect(last.turn.narration).toMatch(/^The brig breaks on the Teeth/);
    expect(last.turn.game_over).toMatchObject({ outcome: 'lose' });
    expect(ui.notices.at(-1)).toMatch(/The epilogue has been told/);
  });

  it('an ending without an epilogue says so offline; before an ending, /continue says to just play', async () => {
    const bare: Pack = structuredClone(lighthouse);
    delete bare.script!.scenes.lose_wreckers!.ending!.epilogue;
    const ui = new StatusUi(['/continue', '1', '2', '2', '/continue']);
    await play(bare, ui);
    expect(ui.notices[0]).toMatch(/has not ended yet/);
    expect(ui.notices.at(-1)).toMatch(/no epilogue to tell offline/);
  });

  it('in a Chinese game the epilogue and the words about it are Chinese', async () => {
    const ui = new StatusUi(['3', '/continue', '/continue', '/new']);
    const { line } = await play(ruins, ui);
    expect(line.at(-1)?.input).toBe('（继续这个故事）');
    expect(line.at(-1)?.turn.narration).toMatch(/^你回到了村子/);
    expect(ui.notices.at(-1)).toBe('尾声已经讲完：故事到此结束（/undo、/new 或 /quit）。');
    expect(ui.questions).toEqual(['离开这局游戏（它会保存好）并开始新游戏？']);
  });
});

/**
 * What the program prints, laid out at 40 and 100 columns with Chinese and English text:
 * turns, the choice menu's rows, /help and notices, the saves table. Every line fits the
 * width (display columns: a Chinese character takes two), nothing breaks mid-word, and the
 * snapshots show the layout itself.
 */
import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderTurn } from '../../src/adapters/ui/render.js';
import { choiceRows } from '../../src/adapters/ui/action-prompt.js';
import { wrapBlock } from '../../src/adapters/ui/layout.js';
import { uiStrings } from '../../src/adapters/ui/strings.js';
import { displayWidth, wrapText } from '../../src/adapters/ui/width.js';
import { helpText } from '../../src/engine/commands.js';
import { savesTable } from '../../src/cli/saves-list.js';
import { zh } from '../../src/core/messages/zh.js';
import { en } from '../../src/core/messages/en.js';
import { NO_CHANGES, type Turn } from '../../src/core/reply.js';
import type { SaveEntry } from '../../src/adapters/file-store.js';
import type { Header } from '../../src/core/journal.js';

chalk.level = 0; // the layout, not the colours

const fits = (text: string, width: number): void => {
  for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
};

const ZH_TURN: Turn = {
  narration: '守门人眯起眼睛，把木杖横在身前：“你叫什么名字？”“旅人。”“好，旅人。”他一字一顿地问，“说吧，你为什么非要进去？”',
  choices: ['“为了找到山巅祭坛，让山谷的空气重新流动起来。”', '“为了里面的金银财宝。”', '“我也说不清，只是好奇。”'],
  image_prompt: null,
  state_changes: NO_CHANGES,
  game_over: null,
};

const EN_CHOICES = ['Climb the cliff path towards the lighthouse, keeping close to the rock face', 'Search the wreck of your boat', 'Wait'];

describe('a turn at 40 and 100 columns', () => {
  it('Chinese narration and choices, 40 columns: kinsoku, and choices wrap under their text', () => {
    const out = renderTurn({ n: 3, turn: ZH_TURN, state: { stats: {}, inventory: [], flags: {}, vars: {}, scene: null, misses: 0, riddle: null } as never }, { images: 'off', width: 40, strings: uiStrings('zh') });
    fits(out, 40);
    expect(out).toMatchInlineSnapshot(`
      "── 第 3 回合 ──

      守门人眯起眼睛，把木杖横在身前：“你叫什
      么名字？”“旅人。”“好，旅人。”他一字一顿
      地问，“说吧，你为什么非要进去？”

      1. “为了找到山巅祭坛，让山谷的空气重新流
         动起来。”
      2. “为了里面的金银财宝。”
      3. “我也说不清，只是好奇。”"
    `);
  });

  it('an ending in Chinese has a full-width colon; 100 columns', () => {
    const turn: Turn = { ...ZH_TURN, choices: [], game_over: { outcome: 'win', reason: '你唤醒了山巅祭坛，山谷的空气重新流动起来。' } };
    const out = renderTurn({ n: 14, turn, state: {} as never }, { images: 'off', width: 100, strings: uiStrings('zh') });
    fits(out, 100);
    expect(out).toMatchInlineSnapshot(`
      "── 第 14 回合 ──

      守门人眯起眼睛，把木杖横在身前：“你叫什么名字？”“旅人。”“好，旅人。”他一字一顿地问，“说吧，你为什么
      非要进去？”

      ★ 胜利：你唤醒了山巅祭坛，山谷的空气重新流动起来。"
    `);
  });
});

describe('the choice menu rows', () => {
  it('at 40 columns: the highlight and number stay left, no word is broken', () => {
    const rows = choiceRows(EN_CHOICES, 0, 40).map((r) => r.join('\n')).join('\n');
    fits(rows, 40);
    const words = new Set(EN_CHOICES.join(' ').split(' '));
    for (const word of rows.replace(/[❯\d.]/g, ' ').split(/\s+/).filter(Boolean)) expect(words, word).toContain(word);
    expect(rows).toMatchInlineSnapshot(`
      "❯ 1. Climb the cliff path towards the
           lighthouse, keeping close to the
           rock face
        2. Search the wreck of your boat
        3. Wait"
    `);
  });

  it('Chinese choices at 40 and 100 columns', () => {
    const at40 = choiceRows(ZH_TURN.choices, 1, 40).map((r) => r.join('\n')).join('\n');
    fits(at40, 40);
    expect(at40).toMatchInlineSnapshot(`
      "  1. “为了找到山巅祭坛，让山谷的空气重新
           流动起来。”
      ❯ 2. “为了里面的金银财宝。”
        3. “我也说不清，只是好奇。”"
    `);
    const at100 = choiceRows(ZH_TURN.choices, 1, 100).map((r) => r.join('\n')).join('\n');
    expect(at100.split('\n')).toHaveLength(3);
    expect(at100).toMatchInlineSnapshot(`
      "  1. “为了找到山巅祭坛，让山谷的空气重新流动起来。”
      ❯ 2. “为了里面的金银财宝。”
        3. “我也说不清，只是好奇。”"
    `);
  });

  it('the key hints wrap at 40 columns', () => {
    const hint = wrapText(zh.ui.hint, 38);
    fits(hint, 38);
    expect(hint).toMatchInlineSnapshot(`
      "↑↓ 选择 · 回车确认 · 也可以直接输入你
      想做的事（数字、任意文字、/help）"
    `);
  });
});

describe('the engine’s own lines: /help and notices', () => {
  it('/help in Chinese at 40 columns: descriptions wrap under their column', () => {
    const out = wrapBlock(helpText(zh), 40);
    fits(out, 40);
    expect(out).toMatchInlineSnapshot(`
      "输入选项编号，或者直接写你想做的事。指
      令：
        /undo          撤销上一回合（可以连续
                       撤销）
        /redo          重新走一遍撤销掉的回合
        /retry         让叙述者就同一句话重讲
                       一遍（之前的版本都保
                       留）
        /alt [N]       列出这一回合的各个版
                       本，或者换到第 N 个
        /state         查看属性、物品和标记
        /image         再显示一次这个场景的图
                       片提示词（英文），并复
                       制到剪贴板
        /memory        现在发给模型的内容，逐
                       块列出词元数
        /usage         这一回合和整局用掉的词
                       元（在配置里写了价格还
                       会算出费用）
        /save          显示存档位置（每一回合
                       都随时保存）
        /transcript    开|关：边玩边把故事写成
                       纯文本记录
        /help          显示这份帮助
        /continue      故事结束以后：让故事继
                       续（先讲尾声；之后你输
                       入的就是你要做的事）
        /new           离开这一局（存档保
                       留），用同一个故事包开
                       始新的一局（会先问你）
        /quit          保存并离开（以后继续：
                       promptquest continue）"
    `);
  });

  it('/help in English at 100 columns is the table as written', () => {
    expect(wrapBlock(helpText(en), 100)).toBe(helpText(en));
  });

  it('a notice never splits a slot name, at 40 columns', () => {
    const zhNotice = wrapBlock(zh.session.savedResume('雾谷 第二局', "promptquest continue '雾谷 第二局'"), 40);
    fits(zhNotice, 40);
    expect(zhNotice).toContain('“雾谷 第二局”');
    expect(zhNotice).toContain("'雾谷 第二局'");
    expect(zhNotice).toMatchInlineSnapshot(`
      "已保存为“雾谷 第二局”。以后继续：
      promptquest continue '雾谷 第二局'"
    `);
    const enNotice = wrapBlock(en.session.savedResume('my long saved game', "promptquest continue 'my long saved game'"), 40);
    fits(enNotice, 40);
    expect(enNotice).toContain('"my long saved game"');
    expect(enNotice).toContain("'my long saved game'");
    expect(enNotice).toMatchInlineSnapshot(`
      "Saved as "my long saved game". Resume
      with: promptquest continue
      'my long saved game'"
    `);
  });
});

function entry(slot: string, pack: string, turns: number, ending: Turn['game_over']): SaveEntry {
  const header = { type: 'header', slot, pack: { id: pack, version: '1.0.0', hash: 'x', dir: null } } as unknown as Header;
  const lastPlayed = '2026-12-01T14:09:00'; // local time, as the table shows it
  // `ending` as FileSaveStore.scan writes it: outcome and reason.
  return { slot, header, turns, lastPlayed, ending: ending ? `${ending.outcome}: ${ending.reason}` : null, file: `/saves/${slot}.jsonl`, summary: { turns, offLine: 0, lastPlayed, ending }, warnings: [] };
}

const SAVES = [
  entry('ruins-20261201-1409-20a2', 'ruins', 14, { outcome: 'win', reason: '你唤醒了山巅祭坛，山谷的空气重新流动起来。' }),
  entry('雾谷 第二局', 'ruins', 3, null),
  entry('lighthouse-1', 'lighthouse', 5, { outcome: 'lose', reason: 'The lamp went out and the ship was lost on the rocks.' }),
];

describe('saves list at 40 and 100 columns', () => {
  it('100 columns: a table aligned by display width (Chinese slot names take two columns a character)', () => {
    const lines = savesTable(SAVES, [{ slot: 'broken', file: '/saves/broken.jsonl', problem: 'line 3: damaged save line (not JSON)' }], 100);
    fits(lines.join('\n'), 100);
    // The TURNS column (numbers right-aligned) ends at the same column on every row.
    const turnsEnd = lines.slice(1, 4).map((l) => {
      const m = /\d+(?= {2}2026)/.exec(l);
      return m ? displayWidth(l.slice(0, m.index + m[0].length)) : -1;
    });
    expect(new Set(turnsEnd).size, lines.join('\n')).toBe(1);
    expect(turnsEnd[0]).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "  SLOT                      PACK        TURNS  LAST PLAYED       ENDING
        ruins-20261201-1409-20a2  ruins          14  2026-12-01 14:09  win: 你唤醒了山巅祭坛，山谷的空气…
        雾谷 第二局               ruins           3  2026-12-01 14:09  —
        lighthouse-1              lighthouse      5  2026-12-01 14:09  lose: The lamp went out and the sh…
        broken                    DAMAGED: line 3: damaged save line (not JSON)"
    `);
  });

  it('40 columns: one block per save, slot names whole', () => {
    const lines = savesTable(SAVES, [{ slot: 'broken', file: '/saves/broken.jsonl', problem: 'line 3: damaged save line (not JSON)' }], 40);
    fits(lines.join('\n'), 40);
    for (const s of SAVES) expect(lines).toContain(`  ${s.slot}`);
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "  ruins-20261201-1409-20a2
          2026-12-01 14:09 · ruins · 14 turns
          win: 你唤醒了山巅祭坛，山谷的空气重
          新流动起来。
        雾谷 第二局
          2026-12-01 14:09 · ruins · 3 turns
        lighthouse-1
          2026-12-01 14:09 · lighthouse · 5
          turns
          lose: The lamp went out and the ship
          was lost on the rocks.
        broken
          DAMAGED: line 3: damaged save line
          (not JSON)"
    `);
  });
});

describe('wrapBlock, for any of the program’s lines', () => {
  it('keeps every character but the spaces it breaks at, and no line is wider than the width', async () => {
    const fc = (await import('fast-check')).default;
    const piece = fc.constantFrom('  ', ' ', 'word', '“名字 一”', '"my save"', '存档', '。', '（注）', '/undo', '1. ', '\n', 'promptquest', '”', '“', "'a b'", '——', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 20, max: 60 }), (parts, width) => {
        const text = parts.join('');
        const out = wrapBlock(text, width);
        expect(out.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
        fits(out, width);
      }),
    );
  });
});

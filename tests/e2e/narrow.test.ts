/**
 * A 40-column terminal, for real: tmux runs the built CLI at 40 columns and the test reads
 * the screen. With wrapped lines joined back (capture-pane -J), no line may be wider than 40,
 * or the terminal broke it wherever it liked, mid-word; the choices' words are all whole; a
 * Chinese game's menus, hints and /help are Chinese. Waits poll the screen; no fixed sleeps.
 * Runs the built CLI (the test run builds dist/ first when src/ changed) and tmux (skipped with a reason without it).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { displayWidth } from '../../src/adapters/ui/width.js';
import { distReady } from '../helpers/dist.js';
import { skipTmux, TmuxServer } from '../helpers/tmux.js';

// This file runs the built CLI: wait for this run's build of dist/ (started by vitest's globalSetup).
beforeAll(() => distReady(), 120_000);

const COLUMNS = 40;
const home = tempHome('pq-narrow-');
const tmux = new TmuxServer('narrow', home);

/** One program in a 40-column pane. */
const narrowPane = (name: string, args: string[]) => tmux.pane(name, args, { columns: COLUMNS, rows: 60, env: { LANG: 'en_US.UTF-8' } });

/** Lines wider than the pane: the terminal wrapped them itself, wherever it liked. */
const tooWide = (screen: string): string[] => screen.split('\n').map((l) => l.trimEnd()).filter((l) => displayWidth(l) > COLUMNS);

afterAll(() => {
  tmux.kill();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(skipTmux)('a 40-column terminal (tmux; skipped when `tmux -V` fails, except in CI)', { timeout: 60_000 }, () => {
  it('English: the menu, its hint, /help and the goodbye fit; no word of a choice is broken', async () => {
    const pane = narrowPane('en40', ['play', 'lighthouse', '--slot', 'narrow-en']);
    await pane.waitFor(/What is your name, apprentice\?/, 'the name prompt');
    pane.press('Enter');
    const menu = await pane.waitFor(/What do you do\?[\s\S]*❯ 1\. Climb[\s\S]*\/help\)/, 'the first menu and its hint');
    expect(tooWide(menu)).toEqual([]);
    // The rows of the menu, from its question to the input line: every word is a whole word of a choice.
    const rows = menu.slice(menu.lastIndexOf('What do you do?')).split('\n').slice(1);
    const choiceRows = rows.slice(0, rows.findIndex((l) => l.startsWith('>')));
    const words = choiceRows.join(' ').replace(/❯|\b\d+\./g, ' ').split(/\s+/).filter(Boolean);
    expect(words.length).toBeGreaterThan(6);
    const flat = choiceRows.join(' ').replace(/\s+/g, ' ');
    for (const word of words) expect(flat, word).toMatch(new RegExp(`(^|\\s)${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`));
    expect(choiceRows.some((l) => /^ {5}\S/.test(l)), 'a long choice continues under its text').toBe(true);

    pane.type('/help');
    pane.press('Enter');
    const help = await pane.waitFor(/\/quit +save and leave/, '/help');
    expect(tooWide(help)).toEqual([]);
    // The columns are kept, and a long description wraps under itself.
    expect(help).toMatch(/^ {2}\/retry {9}ask the narrator\n {17}again for the same$/m);
    pane.type('/quit');
    pane.press('Enter');
    const bye = await pane.waitFor(/Saved as "narrow-en"\.[\s\S]*promptquest continue\s+narrow-en/, 'the goodbye line');
    expect(tooWide(bye)).toEqual([]);
  });

  it('Chinese: menus, hints, /help and the ending menu are Chinese and fit, played to the end', async () => {
    const pane = narrowPane('zh40', ['play', 'ruins', '--slot', 'narrow-zh', '--images', 'off']);
    await pane.waitFor(/你的名字？/, 'the name prompt');
    pane.press('Enter');
    await pane.waitFor(/你要怎么做？[\s\S]*↑↓ 选择/, 'the first menu');
    pane.type('/help');
    pane.press('Enter');
    await pane.waitFor(/输入选项编号[\s\S]*\/quit +保存并离开/, '/help in Chinese');
    for (let n = 2; n <= 14; n++) {
      pane.press('1', 'Enter');
      // The next turn and its menu (keys sent before the menu is up could be lost).
      const menu = n < 14 ? '你要怎么做？[\\s\\S]*↑↓ 选择' : '故事结束了。';
      await pane.waitFor(new RegExp(`── 第 ${n} 回合 ──[\\s\\S]*${menu}`), `turn ${n} and its menu`);
    }
    const ending = await pane.waitFor(/★ 胜利：[\s\S]*故事结束了。[\s\S]*↑↓ 选择 · 回车确认/, 'the ending and its menu');
    expect(ending).not.toMatch(/navigate|select/);
    expect(tooWide(ending)).toEqual([]);
    expect(ending).toContain('继续这个故事');
    pane.press('2', 'Enter'); // leave (1 goes on with the story)
    const bye = await pane.waitFor(/已保存为“narrow-zh”（已完结）/, 'the goodbye line');
    expect(tooWide(bye)).toEqual([]);
    expect(bye).not.toMatch(/Saved as|Resume with|Playing offline/);
  });

  it('saves list fits, each slot name whole on its line', async () => {
    // The games above made these saves; run alone (-t), this test makes them itself.
    for (const [slot, pack] of [['narrow-en', 'lighthouse'], ['narrow-zh', 'ruins']] as const) {
      if (!existsSync(join(home, 'saves', `${slot}.jsonl`))) expect((await runMain(['play', pack, '--slot', slot], { home, input: [] })).code).toBe(0);
    }
    const pane = narrowPane('saves40', ['saves', 'list']);
    const list = await pane.waitFor(/Sample games[\s\S]+ruins-sample[\s\S]+win: /, 'the list');
    expect(tooWide(list)).toEqual([]);
    expect(list).toMatch(/^ {2}narrow-en$/m);
    expect(list).toMatch(/^ {2}narrow-zh$/m);
  });
});

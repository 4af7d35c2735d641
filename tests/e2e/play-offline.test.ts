/**
 * The CLI (in-process) played offline through piped stdin: both bundled packs to an ending,
 * saves, continue, --json, and every kind of bad usage as one line with exit 2.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonEvents, tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { FORMAT_VERSION } from '../../src/core/journal.js';

const tempHome = () => makeHome('pq-e2e-');

const ones = (n: number) => Array<string>(n).fill('1');

/** No stack trace ever reaches a user (DEBUG is not set in these runs). */
function expectNoStack(r: CliResult): void {
  expect(r.stderr).not.toContain('    at ');
}

function saveFiles(home: string): string[] {
  const dir = join(home, 'saves');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
}

function turnLines(home: string, slot: string): Record<string, unknown>[] {
  return readFileSync(join(home, 'saves', `${slot}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.type === 'turn');
}

const stderrLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.trim() !== '');

describe('playing offline through a pipe', () => {
  it('piping 1s into `play` plays the default pack to its ending and leaves a save', async () => {
    const home = tempHome();
    const r = await runMain(['play'], { home, input: ones(14) });
    expectNoStack(r);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('── Turn 1 ──');
    expect(r.stdout).toMatch(/^1\. Climb the cliff path toward the dark tower$/m);
    expect(r.stdout).toContain('── Turn 13 ──');
    expect(r.stdout).toContain('★ You won:');
    expect(r.stderr).toMatch(/Playing offline/);
    const files = saveFiles(home);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^lighthouse-/);
    const turns = turnLines(home, files[0]!.replace(/\.jsonl$/, ''));
    expect(turns).toHaveLength(13);
    expect(turns.at(-1)).toMatchObject({ turn: { game_over: { outcome: 'win' } } });
  });

  it('ruins: free text 直接进入遗迹, a wrong answer, the riddles 风 and 稻草, to the win', async () => {
    const home = tempHome();
    const inputs = ['我要直接进入遗迹！', '1', '火', '风', '1', '稻草', '1', '1', '1'];
    const r = await runMain(['play', 'ruins', '--slot', '遗迹存档'], { home, input: inputs });
    expectNoStack(r);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('墙缝'); // the free text was understood
    expect(r.stdout).toContain('不对'); // 火 was refused
    expect(r.stdout).toContain('终于有人叫出了我的名字'); // 风 opened the door
    expect(r.stdout).toContain('差点都忘了自己是什么做的'); // 稻草 answered the guard
    expect(r.stdout).toContain('★ 胜利：你唤醒了山巅祭坛'); // the interface speaks the pack's language
    expect(r.stdout.split('\n')[0]).toBe('雾谷遗迹'); // the title opens the game
    expect(r.stdout).toContain('── 第 1 回合 ──');
    const turns = turnLines(home, '遗迹存档');
    expect(turns).toHaveLength(10);
    expect(turns[3]).toMatchObject({ input: '火', state: { scene: 'stone_door', flags: { door_open: false } } });
  });

  it('end of input mid-game saves and exits 0; `continue` resumes from that turn', async () => {
    const home = tempHome();
    const first = await runMain(['play', '--slot', 'mid'], { home, input: ['1', '1'] });
    expectNoStack(first);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('promptquest continue mid');
    expect(turnLines(home, 'mid')).toHaveLength(3);
    expect(first.stdout).not.toContain('── Turn 4 ──');

    const second = await runMain(['continue'], { home, input: ['1'] });
    expectNoStack(second);
    expect(second.code).toBe(0);
    // It shows where the game stood, then the next input continues the story.
    expect(second.stdout).toMatch(/── Turn 3 ──[\s\S]*The cottage door bangs[\s\S]*> 1[\s\S]*── Turn 4 ──[\s\S]*hold your hands to the embers/);
    expect(second.stdout).not.toContain('── Turn 1 ──');
    const turns = turnLines(home, 'mid');
    expect(turns).toHaveLength(4);
    expect(turns[3]).toMatchObject({ input: '1', state: { scene: 'cottage', flags: { warmed: true } } });
  });

  it('--json prints only JSON lines; turn events carry the contract fields', async () => {
    const r = await runMain(['play', 'lighthouse', '--json'], { home: tempHome(), input: ones(12) });
    expectNoStack(r);
    expect(r.code).toBe(0);
    const events = jsonEvents(r.stdout); // throws if any line is not JSON
    const turns = events.filter((e) => e.type === 'turn');
    expect(turns).toHaveLength(13);
    turns.forEach((t, i) => {
      expect(Object.keys(t).sort()).toEqual(['choices', 'game_over', 'image_prompt', 'narration', 'state', 'turn', 'type', 'usage']);
      expect(t.turn).toBe(i + 1);
      expect(typeof t.narration).toBe('string');
      expect(t.state).toEqual({ stats: expect.any(Object), inventory: expect.any(Array), flags: expect.any(Object) });
      (t.choices as unknown[]).forEach((c, j) => expect(c).toEqual({ n: j + 1, text: expect.any(String) }));
    });
    expect(turns[0]?.choices).toEqual([
      { n: 1, text: 'Climb the cliff path toward the dark tower' },
      { n: 2, text: 'Search the wreck of your boat' },
    ]);
    expect(turns[0]?.image_prompt).toMatch(/lighthouse.*--ar 16:9/);
    expect(turns[0]?.game_over).toBeNull();
    expect(turns.at(-1)?.game_over).toEqual({ outcome: 'win', reason: expect.any(String) });
    expect(turns.at(-1)?.choices).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'saved', reason: 'eof' });
  });
});

describe('bad usage: one line on stderr, exit 2', () => {
  it('play no-such-pack names the pack', async () => {
    const home = tempHome();
    const r = await runMain(['play', 'no-such-pack'], { home });
    expectNoStack(r);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toContain('"no-such-pack"');
    expect(r.stdout).toBe('');
    expect(saveFiles(home)).toEqual([]);
  });

  it('an unknown flag', async () => {
    const r = await runMain(['play', '--no-such-flag'], { home: tempHome() });
    expectNoStack(r);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toContain('--no-such-flag');
  });

  it('--context takes a positive whole number of tokens; anything else is one line, exit 2', async () => {
    for (const bad of ['0', '-5', '4k', '1.5']) {
      const home = tempHome();
      const r = await runMain(['play', `--context=${bad}`], { home, input: ['1'] });
      expectNoStack(r);
      expect(r.code).toBe(2);
      expect(stderrLines(r)).toEqual([`promptquest: option '--context <n>' argument '${bad}' is invalid. "${bad}" is not a ${bad === '0' || bad === '-5' ? 'positive ' : ''}whole number`]);
      expect(saveFiles(home)).toEqual([]);
    }
    const ok = await runMain(['play', '--context', '4096'], { home: tempHome(), input: ones(30) });
    expect(ok.code).toBe(0);
  });

  it('--slot of an existing slot says to use continue and leaves the save alone', async () => {
    const home = tempHome();
    const store = new FileSaveStore(join(home, 'saves'));
    await store.create({
      type: 'header', format: FORMAT_VERSION, slot: 'taken',
      pack: { id: 'lighthouse', version: '1.0.0', hash: 'x', dir: null },
      provider: 'offline', model: null, base_url: null, vars: {}, created: new Date().toISOString(), forked_from: null,
    });
    const before = readFileSync(store.describe('taken'), 'utf8');
    const r = await runMain(['play', '--slot', 'taken'], { home, input: ['1'] });
    expectNoStack(r);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/"taken" already exists.*continue/);
    expect(readFileSync(store.describe('taken'), 'utf8')).toBe(before);
  });

  it('a bad slot name', async () => {
    const home = tempHome();
    const r = await runMain(['play', '--slot', '../evil'], { home, input: ['1'] });
    expectNoStack(r);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toContain('"../evil"');
    expect(existsSync(join(home, 'evil.jsonl'))).toBe(false);
    expect(saveFiles(home)).toEqual([]);
  });

  it('--help lists play and continue, exit 0', async () => {
    const r = await runMain(['--help'], { home: tempHome() });
    expectNoStack(r);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+play \[options\] \[pack\]/m);
    expect(r.stdout).toMatch(/^\s+continue \[options\] \[slot\]/m);
  });
});

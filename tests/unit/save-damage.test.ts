/**
 * Issue 10 part 5: a damaged save is refused, never quietly shortened. Each kind of damage is
 * SaveDamaged (exit 2) naming the file and the line, by load and by append, the file left as it
 * was, and `saves list` shows it as damaged. Odd files (a folder, a FIFO) are named, never opened.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { SaveDamaged, SaveUnreadable } from '../../src/core/errors.js';
import { fold, FORMAT_VERSION, mainLine, type Header, type JournalEvent, type SummaryEvent, type TurnEvent } from '../../src/core/journal.js';
import { checkScenes } from '../../src/cli/continue.js';
import { exitCodeFor } from '../../src/cli/run.js';
import { EMPTY_SUMMARY } from '../../src/core/summary.js';
import { tempHome } from '../helpers/cli.js';

const header = (slot: string): Header => ({
  type: 'header', format: FORMAT_VERSION, slot, pack: { id: 'lighthouse', version: '1.0.0', hash: 'h', dir: null },
  provider: 'offline', model: null, base_url: null, vars: {}, created: '2025-01-01T00:00:00.000Z', forked_from: null,
});

const turn = (id: number, parent: number | null, scene = 'start'): TurnEvent => ({
  type: 'turn', id, parent, input: parent === null ? null : '1', said: null, raw: null,
  turn: { narration: `Turn ${id}.`, choices: ['a', 'b'], image_prompt: null, state_changes: { add_items: [], remove_items: [], stats: [], flags: [] }, game_over: null },
  state: { scene, stats: {}, inventory: [], flags: {}, vars: {}, misses: 0 }, usage: null, calls: 0, notes: [], at: 'x',
});

const summary = (through: number): SummaryEvent => ({
  type: 'summary', through, turns: 1, source: 'digest', summary: EMPTY_SUMMARY, usage: null, at: 'x',
});

/** A linear game of turns 0..4 (lines 2..6 of the file); `edit` changes its lines (line 1 is the header). */
async function damaged(edit: (lines: string[]) => void, end = '\n'): Promise<{ store: FileSaveStore; file: string }> {
  const store = new FileSaveStore(join(tempHome('pq-damage-'), 'saves'));
  await store.create(header('d'), [0, 1, 2, 3, 4].map((i) => turn(i, i === 0 ? null : i - 1)));
  const file = store.describe('d');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  edit(lines);
  writeFileSync(file, `${lines.join('\n')}${end}`);
  return { store, file };
}

const line = (e: JournalEvent) => JSON.stringify(e);

async function refusal(p: Promise<unknown>): Promise<SaveDamaged> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SaveDamaged);
  return err as SaveDamaged;
}

describe('a damaged save is refused with its file and line', () => {
  it.each<[string, (l: string[]) => void, number, RegExp]>([
    ['a middle line removed', (l) => l.splice(3, 1), 4, /turn 3's parent 2 is not an earlier turn/],
    ['a dangling parent', (l) => (l[3] = line(turn(2, 9))), 4, /turn 2's parent 9 is not an earlier turn/],
    ['a parent cycle', (l) => (l[2] = line(turn(1, 3))), 3, /turn 1's parent 3 is not an earlier turn/],
    ['a repeated id whose parent is later', (l) => l.splice(5, 0, line(turn(2, 3))), 6, /turn id 2 appears twice, and the second's parent 3 is not an earlier turn/],
    ['two lines swapped', (l) => ([l[3], l[4]] = [l[4]!, l[3]!]), 4, /turn 3's parent 2 is not an earlier turn/],
    ['the turns reversed', (l) => l.splice(1, 5, ...l.slice(1).reverse()), 2, /turn 4's parent 3 is not an earlier turn/],
    ['ids going down', (l) => l.splice(5, 1, line(turn(6, 3)), line(turn(5, 3))), 7, /turn id 5 comes after turn id 6/],
    ['an undo to no turn', (l) => l.push(line({ type: 'undo', to: 42, at: 'x' })), 7, /undo to turn 42, which is not an earlier turn/],
    ['a select to a later turn', (l) => l.splice(2, 0, line({ type: 'select', to: 3, at: 'x' })), 3, /select to turn 3/],
    ['a summary through no turn', (l) => l.push(line(summary(7))), 7, /summary through turn 7, which is not an earlier turn/],
  ])('%s', async (_name, edit, at, problem) => {
    const { store, file } = await damaged(edit);
    const before = readFileSync(file);
    const err = await refusal(store.load('d'));
    expect(err.file).toBe(file);
    expect(err.line).toBe(at);
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${at}: damaged save: `));
    expect(err.message).toMatch(problem);
    expect(exitCodeFor(err)).toBe(2);
    // Nothing is appended to it either, and the file is left byte for byte.
    await refusal(store.append('d', turn(5, 4)));
    expect(readFileSync(file).equals(before)).toBe(true);
    const { damaged: listed } = await store.scan();
    expect(listed.map((d) => d.problem)).toEqual([expect.stringMatching(new RegExp(`^line ${at}: damaged save: `))]);
  });

  it('the torn last line is tolerated (with a warning)', async () => {
    const { store } = await damaged((l) => (l[5] = l[5]!.slice(0, 40)), '');
    const loaded = await store.load('d');
    expect(loaded.warnings).toEqual([expect.stringMatching(/incomplete last line/)]);
    expect(loaded.events).toHaveLength(4);
  });

  it('continue refuses a scene the pack does not have, naming the line', async () => {
    const pack = loadPack('lighthouse', '/nonexistent-home');
    const start = pack.script!.start;
    const { store, file } = await damaged((l) => {
      for (let i = 1; i < l.length; i++) l[i] = line(turn(i - 1, i === 1 ? null : i - 2, i === 3 ? 'constructor' : start));
    });
    const loaded = await store.load('d');
    let err: unknown = null;
    try {
      checkScenes(pack, { loaded, file });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SaveDamaged);
    expect((err as SaveDamaged).line).toBe(4);
    expect((err as Error).message).toMatch(/:4: scene "constructor" is not in pack "lighthouse"/);
    expect(() => checkScenes(pack, { loaded: { ...loaded, events: loaded.events.slice(0, 2) }, file })).not.toThrow();
  });
});

describe('two PromptQuests wrote one save at once (before slots were locked)', () => {
  // What two racing `continue`s of an older version left: both read next id 2, each wrote 2, 3, 4.
  const raced = (l: string[]) => {
    const mine = (id: number) => line({ ...turn(id, id - 1), turn: { ...turn(id, id - 1).turn, narration: `Mine ${id}.` } });
    const theirs = (id: number) => line({ ...turn(id, id - 1), turn: { ...turn(id, id - 1).turn, narration: `Theirs ${id}.` } });
    l.splice(3, 3, mine(2), theirs(2), mine(3), theirs(3), theirs(4), mine(4));
  };

  it('loads with one warning per repeated line, naming it; the first copy of each id stands; the file is not changed', async () => {
    const { store, file } = await damaged(raced);
    const before = readFileSync(file);
    const loaded = await store.load('d');
    expect(loaded.warnings).toEqual([[2, 5, 4], [3, 7, 6], [4, 9, 8]].map(([id, at, first]) =>
      `${file}:${at}: turn id ${id} was already saved on line ${first} (two PromptQuests wrote this save at once); line ${at} is skipped and kept in the file`,
    ));
    expect(mainLine(fold(loaded.events)).map((e) => e.turn.narration)).toEqual(['Turn 0.', 'Turn 1.', 'Mine 2.', 'Mine 3.', 'Theirs 4.']);
    expect(loaded.lines).toEqual([2, 3, 4, 6, 8]);
    expect(readFileSync(file).equals(before)).toBe(true);
    // The next turn goes on from the highest id; the list counts the save as whole.
    await store.append('d', turn(5, 4));
    expect((await store.load('d')).events.at(-1)).toMatchObject({ id: 5 });
    expect((await store.scan()).damaged).toEqual([]);
  });
});

describe('odd files where a save should be', () => {
  it('a folder and a FIFO are named, never opened: load refuses, the list reports them and does not hang', async () => {
    const store = new FileSaveStore(join(tempHome('pq-odd-'), 'saves'));
    await store.create(header('fine'), [turn(0, null)]);
    mkdirSync(store.describe('folder'));
    execFileSync('mkfifo', [store.describe('pipe')]);
    for (const [slot, kind] of [['folder', 'a folder'], ['pipe', 'a FIFO']] as const) {
      const err = await store.load(slot).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SaveUnreadable);
      expect((err as Error).message).toBe(`${store.describe(slot)}: not a saved game: it is ${kind}${kind === 'a FIFO' ? ' (named pipe)' : ''}; nothing was read or changed`);
      expect(exitCodeFor(err)).toBe(2);
      await expect(store.append(slot, turn(0, null))).rejects.toBeInstanceOf(SaveUnreadable);
    }
    const { saves, damaged: odd } = await store.scan();
    expect(saves.map((s) => s.slot)).toEqual(['fine']);
    expect(odd.map((d) => [d.slot, d.problem.replace(/ \(named pipe\)/, '')]).sort()).toEqual([
      ['folder', 'not a saved game: it is a folder; nothing was read or changed'],
      ['pipe', 'not a saved game: it is a FIFO; nothing was read or changed'],
    ]);
  });
});

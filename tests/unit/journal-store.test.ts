/**
 * The file save store on real files: append-only journals, torn and truncated
 * tails, damaged and future saves left byte for byte alone, and the format-1 ->
 * format-2 migration with its rolling backup.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { tempHome } from '../helpers/cli.js';
import { UsageError } from '../../src/core/errors.js';
import { FORMAT_VERSION, fold, mainLine, type Header, type JournalEvent, type TurnEvent } from '../../src/core/journal.js';
import { migrate } from '../../src/core/migrations.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'format1-lighthouse.jsonl');

const tempStore = () => new FileSaveStore(join(tempHome('pq-store-'), 'saves'));

const header = (slot: string): Header => ({
  type: 'header', format: FORMAT_VERSION, slot,
  pack: { id: 'ruins', version: '1.0.0', hash: 'abc', dir: null },
  provider: 'offline', model: null, base_url: null, vars: { name: '旅人' }, created: '2025-01-01T00:00:00.000Z', forked_from: null,
});

const turn = (id: number, parent: number | null): TurnEvent => ({
  type: 'turn', id, parent, input: parent === null ? null : '1', said: parent === null ? null : '1. 走向遗迹',
  raw: null,
  // Multi-byte text, so a cut can fall inside a character.
  turn: { narration: `第${id}回：山雾像潮水一样漫过林间小路。`, choices: ['前进', '后退'], image_prompt: null, state_changes: { add_items: [], remove_items: [], stats: [], flags: [] }, game_over: null },
  state: { scene: 'start', stats: {}, inventory: [], flags: {}, vars: {}, misses: 0 },
  usage: null, calls: 0, notes: [], at: `2025-01-01T00:00:0${id}.000Z`,
});

async function storeWith(slot: string, n: number): Promise<FileSaveStore> {
  const store = tempStore();
  await store.create(header(slot), Array.from({ length: n }, (_, i) => turn(i, i === 0 ? null : i - 1)));
  return store;
}

const read = (store: FileSaveStore, slot: string) => readFileSync(store.describe(slot));

async function expectRefused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toContain('\n');
}

describe('format 1 -> 2 migration', () => {
  it('a committed format-1 save loads migrated in memory, and the load writes nothing', async () => {
    const store = tempStore();
    await store.create(header('warmup')); // makes the folder
    copyFileSync(FIXTURE, store.describe('old'));
    const loaded = await store.load('old');
    expect(loaded.format).toBe(1);
    expect(loaded.applied).toHaveLength(FORMAT_VERSION - 1); // 1 -> 2 -> … -> current
    expect(loaded.header.format).toBe(FORMAT_VERSION);
    // The install path of another machine is gone: the bundled pack is found by id.
    expect(loaded.header.pack).toEqual({ id: 'lighthouse', version: '1.0.0', hash: '1effc9c3056fe0d9', dir: null });
    expect(loaded.header.forked_from).toBeNull();
    expect(loaded.header.vars).toEqual({ name: 'Ada' });
    expect(loaded.events.map((e) => e.type)).toEqual(['turn', 'turn', 'turn', 'undo', 'turn']);
    expect(mainLine(fold(loaded.events)).map((e) => e.said)).toEqual([null, '1. Climb the cliff path toward the dark tower', "1. Go to the keeper's cottage"]);
    expect(loaded.warnings).toEqual([]);
    expect(read(store, 'old').equals(readFileSync(FIXTURE))).toBe(true);
    expect(existsSync(store.backupOf('old'))).toBe(false);
  });

  it('the first append rewrites the file in format 2 after a rolling backup; later appends only append', async () => {
    const store = tempStore();
    await store.create(header('warmup'));
    copyFileSync(FIXTURE, store.describe('old'));
    const loaded = await store.load('old');
    const next = { ...turn(4, 3), at: '2025-02-01T00:00:00.000Z' };
    await store.append('old', next);
    expect(readFileSync(store.backupOf('old')).equals(readFileSync(FIXTURE))).toBe(true);
    const lines = read(store, 'old').toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: FORMAT_VERSION, pack: { dir: null } });
    expect(lines).toHaveLength(7);
    const reloaded = await store.load('old');
    expect(reloaded.format).toBe(FORMAT_VERSION);
    expect(reloaded.events).toEqual([...loaded.events, next]);

    const before = read(store, 'old');
    await store.append('old', { type: 'undo', to: 3, at: '2025-02-01T00:00:01.000Z' });
    const after = read(store, 'old');
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(readFileSync(store.backupOf('old')).equals(readFileSync(FIXTURE))).toBe(true);
  });

  it('keeps folder packs by path, drops bundled install paths of any platform, fills forked_from', () => {
    const base = { type: 'header', format: 1, slot: 's', provider: 'offline', model: null, base_url: null, vars: {}, created: 'x' };
    const of = (dir: string, id = 'lighthouse') => (migrate({ ...base, pack: { id, version: '1', hash: 'h', dir } }, []).header as Header);
    expect(of('C:\\Users\\ada\\AppData\\Roaming\\npm\\node_modules\\promptquest\\prompts\\lighthouse').pack.dir).toBeNull();
    expect(of('/home/ada/my-packs/lighthouse').pack.dir).toBe('/home/ada/my-packs/lighthouse');
    expect(of('/opt/promptquest/prompts/other', 'lighthouse').pack.dir).toBe('/opt/promptquest/prompts/other');
    expect(of('/x/prompts/lighthouse').forked_from).toBeNull();
    expect(of('/x/prompts/lighthouse').format).toBe(FORMAT_VERSION);
  });
});

describe('damage', () => {
  it('a torn last line: the load warns and keeps the rest; the next append replaces it', async () => {
    const store = await storeWith('torn', 3);
    const good = read(store, 'torn');
    const tornLine = JSON.stringify(turn(3, 2)).slice(0, 57);
    writeFileSync(store.describe('torn'), Buffer.concat([good, Buffer.from(tornLine)]));
    const loaded = await store.load('torn');
    expect(loaded.events).toHaveLength(3);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatch(/incomplete last line/);
    await store.append('torn', turn(3, 2));
    expect(read(store, 'torn').toString('utf8')).toBe(`${good.toString('utf8')}${JSON.stringify(turn(3, 2))}\n`);
    expect((await store.load('torn')).warnings).toEqual([]);
  });

  it('a file cut anywhere (even inside a character) loads its whole lines; an append then leaves it clean', async () => {
    const store = await storeWith('full', 5);
    const full = read(store, 'full');
    const headerEnd = full.indexOf(0x0a) + 1;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: headerEnd, max: full.length }), async (cut) => {
        const prefix = full.subarray(0, cut);
        writeFileSync(store.describe('cut'), prefix);
        // A line counts when its JSON is all there, with or without its newline.
        const whole = full.subarray(0, cut + (full[cut] === 0x0a ? 1 : 0)).toString('utf8').split('\n').length - 2;
        const loaded = await store.load('cut');
        expect(loaded.events).toHaveLength(whole);
        expect(loaded.warnings).toHaveLength(cut === full.length || full[cut - 1] === 0x0a || full[cut] === 0x0a ? 0 : 1);
        expect(read(store, 'cut').equals(prefix)).toBe(true);
        await store.append('cut', turn(whole, whole === 0 ? null : whole - 1));
        const again = await store.load('cut');
        expect(again.warnings).toEqual([]);
        expect(again.events).toHaveLength(whole + 1);
      }),
      { numRuns: 40 },
    );
  });

  it('a complete last line that only lost its newline is kept, not cut', async () => {
    const store = await storeWith('edited', 2);
    const text = read(store, 'edited').toString('utf8').trimEnd();
    writeFileSync(store.describe('edited'), text);
    expect((await store.load('edited')).events).toHaveLength(2);
    await store.append('edited', turn(2, 1));
    expect((await store.load('edited')).events.map((e) => (e as TurnEvent).id)).toEqual([0, 1, 2]);
  });

  it('a garbage line in the middle: refused with its line number, the file unchanged, listed as damaged', async () => {
    const store = await storeWith('broken', 3);
    const lines = read(store, 'broken').toString('utf8').split('\n');
    lines[2] = '{"type":"turn", garbage';
    writeFileSync(store.describe('broken'), lines.join('\n'));
    const before = read(store, 'broken');
    await expectRefused(store.load('broken'), /broken\.jsonl:3: damaged save line \(not JSON\)/);
    expect(read(store, 'broken').equals(before)).toBe(true);
    const { saves, damaged } = await store.scan();
    expect(saves).toEqual([]);
    expect(damaged).toEqual([{ slot: 'broken', file: store.describe('broken'), problem: 'line 3: damaged save line (not JSON); nothing was changed' }]);
  });

  it('a save from a future format is refused naming both versions, by load and by append, unchanged', async () => {
    const store = await storeWith('future', 2);
    const lines = read(store, 'future').toString('utf8').split('\n');
    lines[0] = JSON.stringify({ ...header('future'), format: 99, shiny: true });
    writeFileSync(store.describe('future'), lines.join('\n'));
    const before = read(store, 'future');
    await expectRefused(store.load('future'), new RegExp(`format 99.*up to ${FORMAT_VERSION}`));
    await expectRefused(store.append('future', turn(2, 1)), new RegExp(`format 99.*up to ${FORMAT_VERSION}`));
    expect(read(store, 'future').equals(before)).toBe(true);
  });

  it('an event that is JSON but not a save event is refused with its line', async () => {
    const store = await storeWith('odd', 2);
    writeFileSync(store.describe('odd'), `${read(store, 'odd').toString('utf8')}{"type":"teleport","to":1}\n`);
    await expectRefused(store.load('odd'), /odd\.jsonl:4: damaged save event/);
  });
});

describe('slots', () => {
  it('create never overwrites; a fork is written whole; remove takes the backup too', async () => {
    const store = await storeWith('one', 2);
    await expectRefused(store.create(header('one')), /already exists/);
    const events: JournalEvent[] = [turn(0, null), turn(1, 0), { type: 'undo', to: 0, at: 'x' }];
    await store.create({ ...header('two'), forked_from: { slot: 'one', turn: 2 } }, events);
    expect((await store.load('two')).events).toEqual(events);
    writeFileSync(store.backupOf('two'), 'old');
    await store.remove('two');
    expect(existsSync(store.describe('two')) || existsSync(store.backupOf('two'))).toBe(false);
    expect((await store.list()).map((s) => s.slot)).toEqual(['one']);
  });
});

describe('a save is only written when it loads again', () => {
  it.each([
    ['null', 'null'],
    ['42', 'a number'],
    ['"x"', 'a string'],
    ['[]', 'an array'],
  ])('a first line of %s is refused naming the file and line 1 (load, append, list), the file unchanged', async (first, got) => {
    const store = await storeWith('odd', 1);
    const lines = read(store, 'odd').toString('utf8').split('\n');
    lines[0] = first;
    writeFileSync(store.describe('odd'), lines.join('\n'));
    const before = read(store, 'odd');
    const expected = new RegExp(`^${store.describe('odd').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: not a PromptQuest save header \\(expected a JSON object, got ${got}\\)`);
    await expectRefused(store.load('odd'), expected);
    await expectRefused(store.append('odd', turn(1, 0)), expected);
    expect(read(store, 'odd')).toEqual(before);
    const { damaged } = await store.scan();
    expect(damaged.map((d) => d.problem)).toEqual([`line 1: not a PromptQuest save header (expected a JSON object, got ${got}); nothing was changed`]);
  });

  it('an event the loader would refuse is never appended: a plain Error (a bug, not bad input), the file unchanged', async () => {
    const store = await storeWith('safe', 2);
    const before = read(store, 'safe');
    const bad: [TurnEvent, RegExp][] = [
      // What the bugs produced: a NaN stat (saved as null) and a server's `usage: {}` (fields undefined).
      [{ ...turn(2, 1), state: { ...turn(2, 1).state, stats: { toString: Number.NaN } } }, /state\.stats\.toString: /],
      [{ ...turn(2, 1), usage: {} as TurnEvent['usage'] }, /usage\.prompt_tokens: /],
    ];
    for (const [event, where] of bad) {
      const err = await store.append('safe', event).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/^refusing to save an event that could not be loaded again: /);
      expect((err as Error).message).toMatch(where);
    }
    expect(read(store, 'safe')).toEqual(before);
    expect((await store.load('safe')).events).toHaveLength(2);
  });

  it('create checks the header and every event before the slot exists', async () => {
    const store = await storeWith('base', 1);
    const badHeader = { ...header('h'), created: undefined } as unknown as Header;
    await expect(store.create(badHeader)).rejects.toThrow(/^refusing to save a header that could not be loaded again: created: /);
    await expect(store.create(header('e'), [turn(0, null), { ...turn(1, 0), calls: -1 }])).rejects.toThrow(/^refusing to save an event that could not be loaded again: calls: /);
    expect(await store.exists('h')).toBe(false);
    expect(await store.exists('e')).toBe(false);
  });
});

/**
 * Issue 10 part 4: saving is checked end to end. A write that writes fewer bytes than asked is
 * continued; a failure (full disk, read-only, ...) stops the turn from counting, cuts the file
 * back to its last whole line, and is one line naming the turn; "Saved as" is never said then.
 * A new game on a full disk leaves no file behind. The real Game plays against an injected disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FileSaveStore, type SaveFs } from '../../src/adapters/file-store.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { SaveConflict, SaveFailed, WriteFailed } from '../../src/core/errors.js';
import { emptyTimeline, fold, FORMAT_VERSION, mainLine, type Header, type TurnEvent } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { errorLine, exitCodeFor } from '../../src/cli/run.js';
import { runGame } from '../../src/cli/session.js';
import { RecordingUi } from '../helpers/model-game.js';
import { tempHome } from '../helpers/cli.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** A disk that writes at most 7 bytes per call (short writes), and only `budget` bytes in all. */
class TinyDisk implements SaveFs {
  budget = Number.POSITIVE_INFINITY;
  failSync: string | null = null;
  async write(fh: FileHandle, data: Uint8Array, position: number): Promise<number> {
    if (this.budget <= 0) throw errno('ENOSPC');
    const n = Math.min(7, data.length, this.budget);
    this.budget -= n;
    return (await fh.write(data, 0, n, position)).bytesWritten;
  }
  fsync(fh: FileHandle): Promise<void> {
    return this.failSync ? Promise.reject(errno(this.failSync)) : fh.datasync();
  }
  truncate(fh: FileHandle, size: number): Promise<void> {
    return fh.truncate(size);
  }
}

function header(slot: string): Header {
  return {
    type: 'header', format: FORMAT_VERSION, slot, pack: { id: 'lighthouse', version: lighthouse.manifest.version, hash: lighthouse.hash, dir: null },
    provider: 'offline', model: null, base_url: null, vars: {}, created: '2025-01-01T00:00:00.000Z', forked_from: null,
  };
}

/** A ui that runs `hook` when asked for its n-th input (1-based). */
class HookedUi extends RecordingUi {
  private asks = 0;
  constructor(inputs: string[], private readonly at: number, private readonly hook: () => void) {
    super(inputs);
  }
  override ask(choices: string[], ended: boolean): Promise<string | null> {
    if (++this.asks === this.at) this.hook();
    return super.ask(choices, ended);
  }
}

async function newGame(disk: TinyDisk, slot = 's') {
  const store = new FileSaveStore(join(tempHome('pq-savefail-'), 'saves'), { fs: disk });
  await store.create(header(slot));
  const state = initialState(lighthouse.manifest, {}, lighthouse.script!.start);
  return { store, state, file: store.describe(slot) };
}

describe('a turn that cannot be saved does not count', () => {
  it('short writes are continued; ENOSPC mid-line: one line, exit 1, the file cut back, no "Saved as"', async () => {
    const disk = new TinyDisk();
    const { store, state, file } = await newGame(disk);
    let sizeBefore = -1;
    // Asked for the 3rd input, turns 1-3 are on disk; the 4th gets 50 bytes of room, then ENOSPC.
    const ui = new HookedUi(['1', '1', '1', '1'], 3, () => {
      sizeBefore = statSync(file).size;
      disk.budget = 50;
    });
    const timeline = emptyTimeline();
    const err = await runGame({ pack: lighthouse, narrator: new OfflineNarrator(), ui, store, slot: 's', timeline, initialState: state }).then(() => null, (e: unknown) => e);

    expect(err).toBeInstanceOf(SaveFailed);
    expect(exitCodeFor(err)).toBe(1);
    expect(errorLine(err)).toBe('could not save turn 4: disk full (ENOSPC) — nothing after turn 3 is lost; free some space and run: promptquest continue s');
    expect(ui.notices.filter((n) => /Saved as/.test(n))).toEqual([]);
    expect(ui.events.map((e) => e.type)).not.toContain('saved');
    // The file ends at its last whole line, exactly as before the failed append.
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(sizeBefore);
    expect(bytes.at(-1)).toBe(0x0a);
    const loaded = await store.load('s');
    expect(loaded.warnings).toEqual([]);
    // Every turn shown is on disk, and the one that failed is neither shown nor in the game's timeline.
    expect(ui.shown.map((v) => v.n)).toEqual([1, 2, 3]);
    expect(mainLine(fold(loaded.events)).map((e) => e.turn.narration)).toEqual(ui.shown.map((v) => v.turn.narration));
    expect(mainLine(timeline)).toHaveLength(3);
  });

  it('a failed fsync (EIO) also cuts the line back, and the game can go on once the disk is well', async () => {
    const disk = new TinyDisk();
    const { store, state, file } = await newGame(disk);
    let sizeBefore = -1;
    const ui = new HookedUi(['1', '1'], 2, () => {
      sizeBefore = statSync(file).size;
      disk.failSync = 'EIO';
    });
    const timeline = emptyTimeline();
    const err = await runGame({ pack: lighthouse, narrator: new OfflineNarrator(), ui, store, slot: 's', timeline, initialState: state }).then(() => null, (e: unknown) => e);
    expect(errorLine(err)).toBe('could not save turn 3: input/output error (EIO) — nothing after turn 2 is lost; free some space and run: promptquest continue s');
    expect(statSync(file).size).toBe(sizeBefore);
    disk.failSync = null;
    const next: TurnEvent = { ...mainLine(timeline).at(-1)!, id: timeline.nextId, parent: timeline.head, at: 'later' };
    await store.append('s', next);
    expect(mainLine(fold((await store.load('s')).events))).toHaveLength(3);
  });

  it('an /undo that cannot be saved is not made: the head stays where it was', async () => {
    const disk = new TinyDisk();
    const { store, state } = await newGame(disk, 'my game');
    const ui = new HookedUi(['1', '/undo'], 2, () => (disk.budget = 0));
    const timeline = emptyTimeline();
    const err = await runGame({ pack: lighthouse, narrator: new OfflineNarrator(), ui, store, slot: 'my game', timeline, initialState: state }).then(() => null, (e: unknown) => e);
    expect(errorLine(err)).toBe("could not save the undo: disk full (ENOSPC) — nothing up to turn 2 is lost; free some space and run: promptquest continue 'my game'");
    expect(mainLine(timeline)).toHaveLength(2);
    expect((await store.load('my game')).events.map((e) => e.type)).toEqual(['turn', 'turn']);
  });

  it.each([
    ['ENOSPC', 'disk full'], ['EDQUOT', 'disk quota exceeded'], ['EFBIG', 'file too large'],
    ['EROFS', 'read-only file system'], ['EACCES', 'permission denied'], ['EIO', 'input/output error'],
  ])('%s on append: WriteFailed saying "%s", the file byte for byte as it was', async (code, words) => {
    const disk = new TinyDisk();
    const { store, file } = await newGame(disk);
    const before = readFileSync(file);
    disk.write = () => Promise.reject(errno(code));
    const turn0: TurnEvent = {
      type: 'turn', id: 0, parent: null, input: null, said: null, raw: null,
      turn: { narration: 'Rain.', choices: ['a', 'b'], image_prompt: null, state_changes: { add_items: [], remove_items: [], stats: [], flags: [] }, game_over: null },
      state: initialState(lighthouse.manifest, {}, lighthouse.script!.start), usage: null, calls: 0, notes: [], at: 'x',
    };
    const err = await store.append('s', turn0).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WriteFailed);
    expect((err as WriteFailed).code).toBe(code);
    expect((err as Error).message).toContain(`${words} (${code})`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('a new game on a full disk', () => {
  it('leaves no save behind (no empty file, no temporary file), and says so in one line', async () => {
    const disk = new TinyDisk();
    const dir = join(tempHome('pq-savefail-'), 'saves');
    const store = new FileSaveStore(dir, { fs: disk });
    await store.create(header('first'));
    disk.budget = 100; // less than a header
    const err = await store.create(header('second')).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WriteFailed);
    expect(exitCodeFor(err)).toBe(1);
    expect(errorLine(err)).toMatch(/^could not write the new save .*second\.jsonl: disk full \(ENOSPC\); nothing was saved — free some space/);
    expect(readdirSync(dir)).toEqual(['first.jsonl']);
    expect(await store.exists('second')).toBe(false);
  });
});

describe('every append checks the turn id', () => {
  it('a turn whose id is not the file\'s next id is refused; a second writer is caught by the file having changed', async () => {
    const { store, state, file } = await newGame(new TinyDisk());
    const ui = new RecordingUi(['1']);
    await runGame({ pack: lighthouse, narrator: new OfflineNarrator(), ui, store, slot: 's', timeline: emptyTimeline(), initialState: state });
    const turns = (await store.load('s')).events.filter((e): e is TurnEvent => e.type === 'turn');
    expect(turns.map((t) => t.id)).toEqual([0, 1]);
    const before = readFileSync(file);
    await expect(store.append('s', { ...turns[1]!, id: 1 })).rejects.toBeInstanceOf(SaveConflict);
    await expect(store.append('s', { ...turns[1]!, id: 3 })).rejects.toBeInstanceOf(SaveConflict);
    expect(readFileSync(file).equals(before)).toBe(true);
    // Two stores (two processes) that both read the save: the second one's turn 2 is refused.
    const other = new FileSaveStore(store.dir);
    await other.load('s');
    await store.append('s', { ...turns[1]!, id: 2, parent: 1 });
    const err = await other.append('s', { ...turns[1]!, id: 2, parent: 1 }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SaveConflict);
    expect(exitCodeFor(err)).toBe(2);
    expect((await store.load('s')).events.filter((e) => e.type === 'turn')).toHaveLength(3);
  });
});

/**
 * Issue 10 part 4 on a real full disk: a 200 KB tmpfs (root can mount one; skipped with a
 * message where it cannot). An offline game with endless input plays until the disk is full:
 * the game stops with SaveFailed, the journal loads, ends at a whole line, and holds every turn
 * that was shown. A new game on the full disk then leaves no file behind (lock or save).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { SaveFailed, WriteFailed } from '../../src/core/errors.js';
import { emptyTimeline, FORMAT_VERSION, type Header } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { Game } from '../../src/engine/game.js';
import { RecordingUi } from '../helpers/model-game.js';

const MOUNT = mkdtempSync(join(tmpdir(), 'pq-tmpfs-'));
const mounted = ((): boolean => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', MOUNT], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(`tmpfs-save: skipped: cannot mount a tmpfs on ${MOUNT} (needs root and mount rights)`);
    return false;
  }
})();

afterAll(() => {
  if (mounted) execFileSync('umount', [MOUNT]);
  rmdirSync(MOUNT);
});

/** Plays "1", undoes it, plays it again...: the game never ends, the journal only grows. */
class EndlessUi extends RecordingUi {
  private lastInput: string | null = null;
  private asks = 0;
  /** Turns shown right after being played (the opening, and each "1"). */
  playedShown = 0;
  constructor() {
    super([]);
  }
  override ask(): Promise<string | null> {
    this.lastInput = this.asks++ % 2 === 0 ? '1' : '/undo';
    return Promise.resolve(this.asks > 20_000 ? null : this.lastInput);
  }
  override showTurn(view: Parameters<RecordingUi['showTurn']>[0]): void {
    if (this.asks === 0 || this.lastInput === '1') this.playedShown++;
    super.showTurn(view);
  }
}

const header = (slot: string, pack: ReturnType<typeof loadPack>): Header => ({
  type: 'header', format: FORMAT_VERSION, slot, pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: null },
  provider: 'offline', model: null, base_url: null, vars: {}, created: '2025-01-01T00:00:00.000Z', forked_from: null,
});

/** Take whatever room is left, so that no new file can get a page. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const chunk = Buffer.alloc(4096, 120); ; ) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mounted)('a real full disk (200 KB tmpfs)', () => {
  it('the game stops with SaveFailed; the save ends at a whole line and holds every turn shown', async () => {
    const pack = loadPack('lighthouse', '/nonexistent-home');
    const dir = join(MOUNT, 'saves');
    const store = new FileSaveStore(dir);
    await store.create(header('full', pack));
    const ui = new EndlessUi();
    const state = initialState(pack.manifest, {}, pack.script!.start);
    const game = new Game({ pack, narrator: new OfflineNarrator(), ui, store, slot: 'full', timeline: emptyTimeline(), initialState: state });
    const err = await game.run().then(() => null, (e: unknown) => e);

    expect(err).toBeInstanceOf(SaveFailed);
    expect((err as SaveFailed).code).toBe('ENOSPC');
    expect(ui.playedShown).toBeGreaterThan(20); // it really played a while before the disk filled
    const bytes = readFileSync(store.describe('full'));
    expect(bytes.at(-1)).toBe(0x0a);
    const loaded = await store.load('full');
    expect(loaded.warnings).toEqual([]);
    expect(loaded.events.filter((e) => e.type === 'turn')).toHaveLength(ui.playedShown);

    // A new game on the full disk: neither its lock nor its save leaves anything behind.
    fillUp(join(MOUNT, 'filler'));
    const lock = await store.lock('next').then(() => null, (e: unknown) => e);
    expect(lock).toBeInstanceOf(WriteFailed);
    expect((lock as Error).message).toMatch(/^could not write the lock file .*next\.jsonl\.lock: disk full \(ENOSPC\)/);
    const again = await store.create(header('next', pack)).then(() => null, (e: unknown) => e);
    expect(again).toBeInstanceOf(WriteFailed);
    expect(readdirSync(dir)).toEqual(['full.jsonl']);
  });
});

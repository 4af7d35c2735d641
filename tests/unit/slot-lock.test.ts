/**
 * Issue 10 part 1 (minimal): one writer per slot. A lock file made whole in one step, a second
 * taker refused naming the holder's pid, a lock whose process is gone taken over, and the lock
 * let go again (also when the command fails); new games that draw the same slot name get two slots.
 * The real two-process cases are in e2e/saves.test.ts.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { clearStale } from '../../src/adapters/slot-lock.js';
import { SlotBusy, UsageError } from '../../src/core/errors.js';
import { FORMAT_VERSION } from '../../src/core/journal.js';
import { exitCodeFor } from '../../src/cli/run.js';
import { deleteSave } from '../../src/cli/saves-delete.js';
import { claimFreshSlot } from '../../src/cli/new-slot.js';
import { tempHome } from '../helpers/cli.js';

const storeIn = (home: string) => new FileSaveStore(join(home, 'saves'));
const lockFile = (store: FileSaveStore, slot: string) => `${store.describe(slot)}.lock`;
/** No process has this pid (beyond any pid_max), so process.kill(pid, 0) says ESRCH. */
const DEAD_PID = 2 ** 30;

describe('one writer per slot', () => {
  it('a second taker is refused naming the holder; released, the slot can be taken again', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    const lock = await store.lock('s');
    const held = JSON.parse(readFileSync(lockFile(store, 's'), 'utf8')) as { pid: number; started: string };
    expect(held.pid).toBe(process.pid);
    expect(Number.isNaN(Date.parse(held.started))).toBe(false);
    const err = await store.lock('s').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SlotBusy);
    expect((err as Error).message).toBe(`slot "s" is open in another PromptQuest (pid ${process.pid}); nothing was changed`);
    expect(exitCodeFor(err)).toBe(2);
    expect(readFileSync(lockFile(store, 's'), 'utf8')).toContain(held.started); // the holder's lock is untouched
    lock.release();
    expect(existsSync(lockFile(store, 's'))).toBe(false);
    (await store.lock('s')).release();
    lock.release(); // twice is fine
  });

  it('a lock left by a process that is gone (kill -9) is taken over', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    (await store.lock('s')).release(); // makes the folder
    writeFileSync(lockFile(store, 's'), JSON.stringify({ pid: DEAD_PID, started: '2025-01-01T00:00:00.000Z' }));
    const lock = await store.lock('s');
    expect((JSON.parse(readFileSync(lockFile(store, 's'), 'utf8')) as { pid: number }).pid).toBe(process.pid);
    lock.release();
  });

  it('a lock whose pid is now another process\'s is taken over: our own pid on a lock we never took, or a program not running its script', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    (await store.lock('s')).release();
    // Left by a killed PromptQuest whose pid this process got after a restart (containers do that).
    writeFileSync(lockFile(store, 's'), JSON.stringify({ pid: process.pid, started: '2025-01-01T00:00:00.000Z', nonce: 'old', script: process.argv[1] }));
    const mine = await store.lock('s');
    expect(JSON.parse(readFileSync(lockFile(store, 's'), 'utf8'))).not.toMatchObject({ nonce: 'old' });
    // ...while a lock this process does hold is still refused to it.
    await expect(store.lock('s')).rejects.toBeInstanceOf(SlotBusy);
    mine.release();

    // A live process that runs something else under the recorded pid (where /proc tells).
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = stranger.pid!;
      const lock = (script: string) => JSON.stringify({ pid, started: '2025-01-01T00:00:00.000Z', nonce: 'x', script });
      writeFileSync(lockFile(store, 's'), lock('/usr/local/bin/promptquest'));
      if (existsSync(`/proc/${pid}/cmdline`)) {
        const taken = await store.lock('s');
        expect((JSON.parse(readFileSync(lockFile(store, 's'), 'utf8')) as { pid: number }).pid).toBe(process.pid);
        taken.release();
      }
      // The same pid, and the lock names the script it runs (sleep itself here): held, refused.
      writeFileSync(lockFile(store, 's'), lock('/usr/bin/sleep'));
      await expect(store.lock('s')).rejects.toMatchObject({ pid });
      // An older lock without a script: a live pid is trusted, as before.
      writeFileSync(lockFile(store, 's'), JSON.stringify({ pid, started: 'x' }));
      await expect(store.lock('s')).rejects.toMatchObject({ pid });
    } finally {
      stranger.kill();
    }
  });

  it('a lock from another host or another container\'s pid namespace is never judged by its pid: held, and the refusal says how to clear it', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    (await store.lock('s')).release();
    const own = await store.lock('s');
    const written = JSON.parse(readFileSync(lockFile(store, 's'), 'utf8')) as { host: string; pidns: string | null };
    own.release();
    expect(written.host).toBe(hostname());
    // A dead pid (here, or anywhere) on another host: it may be alive there.
    for (const elsewhere of [{ host: 'other-box', pidns: written.pidns }, { host: written.host, pidns: 'pid:[1]' }]) {
      writeFileSync(lockFile(store, 's'), JSON.stringify({ pid: DEAD_PID, started: 'x', nonce: 'n', script: process.argv[1], ...elsewhere }));
      const err = await store.lock('s').then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SlotBusy);
      expect((err as Error).message).toBe(`slot "s" is open in another PromptQuest (pid ${DEAD_PID} on ${elsewhere.host}, which this one cannot check); nothing was changed — if it is not running any more, delete ${lockFile(store, 's')}`);
    }
    // The same host and namespace: a dead pid is stale, as ever.
    writeFileSync(lockFile(store, 's'), JSON.stringify({ pid: DEAD_PID, started: 'x', nonce: 'n', ...written }));
    (await store.lock('s')).release();
  });

  it('takers racing for one stale lock: one gets the slot, the others are refused naming it', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    (await store.lock('s')).release();
    for (let round = 0; round < 40; round++) {
      writeFileSync(lockFile(store, 's'), JSON.stringify({ pid: DEAD_PID, started: 'x', nonce: String(round) }));
      const took = await Promise.allSettled([store.lock('s'), store.lock('s'), store.lock('s')]);
      const won = took.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
      expect(won, `round ${round}`).toHaveLength(1);
      for (const t of took) if (t.status === 'rejected') expect((t.reason as SlotBusy).pid).toBe(process.pid);
      won[0]!.release();
    }
  });

  it('a stale lock is removed only while it is still that lock, never the live one put in its place', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    (await store.lock('s')).release();
    const stale = JSON.stringify({ pid: DEAD_PID, started: 'x' });
    writeFileSync(lockFile(store, 's'), stale);
    // A faster taker clears it and takes the slot; a slower one had judged the same lock stale.
    const live = await store.lock('s');
    const tmp = `${lockFile(store, 's')}.slower.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, started: 'y' }));
    await clearStale(lockFile(store, 's'), stale, tmp, readFileSync(tmp, 'utf8'));
    expect(JSON.parse(readFileSync(lockFile(store, 's'), 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(store.lock('s')).rejects.toBeInstanceOf(SlotBusy);
    expect(readdirSync(dirname(lockFile(store, 's'))).filter((f) => f.endsWith('.takeover'))).toEqual([]);
    live.release();
  });

  it('a lock someone else has taken over is not removed by the old holder', async () => {
    const store = storeIn(tempHome('pq-lock-'));
    const lock = await store.lock('s');
    const theirs = JSON.stringify({ pid: 1, started: 'x' });
    writeFileSync(lockFile(store, 's'), theirs);
    lock.release();
    expect(readFileSync(lockFile(store, 's'), 'utf8')).toBe(theirs);
  });
});

describe('saves delete takes the lock', () => {
  const home = tempHome('pq-lock-del-');

  it('refuses a game in progress, deletes nothing, and lets the lock go when it fails', async () => {
    vi.stubEnv('PROMPTQUEST_HOME', home); // undone after the test (unstubEnvs)
    const store = storeIn(home);
    await store.create({
      type: 'header', format: FORMAT_VERSION, slot: 'busy', pack: { id: 'lighthouse', version: '1', hash: 'h', dir: null },
      provider: 'offline', model: null, base_url: null, vars: {}, created: 'x', forked_from: null,
    });
    const playing = await store.lock('busy');
    await expect(deleteSave('busy', { yes: true })).rejects.toBeInstanceOf(SlotBusy);
    expect(await store.exists('busy')).toBe(true);
    playing.release();
    // Without --yes and no terminal it fails; the lock it took is let go all the same.
    await expect(deleteSave('busy', { yes: false })).rejects.toBeInstanceOf(UsageError);
    expect(existsSync(lockFile(store, 'busy'))).toBe(false);
  });
});

describe('new games never share a drawn slot name', () => {
  const header = (slot: string) => ({
    type: 'header' as const, format: FORMAT_VERSION, slot, pack: { id: 'lighthouse', version: '1', hash: 'h', dir: null },
    provider: 'offline' as const, model: null, base_url: null, vars: {}, created: 'x', forked_from: null,
  });

  it('two starts that draw the same name at once: one gets it, the other draws again', async () => {
    const store = storeIn(tempHome('pq-fresh-'));
    const draws = ['same', 'same', 'other'];
    const draw = () => draws.shift() ?? 'spare';
    const [a, b] = await Promise.all([claimFreshSlot(store, draw), claimFreshSlot(store, draw)]);
    expect([a.slot, b.slot].sort()).toEqual(['other', 'same']);
    // Each holds its own slot: a third taker of either is refused.
    await expect(store.lock('same')).rejects.toBeInstanceOf(SlotBusy);
    a.lock.release();
    b.lock.release();
  });

  it('a name whose save exists (its game over, the lock let go) is passed over and its lock let go', async () => {
    const store = storeIn(tempHome('pq-fresh-'));
    await store.create(header('taken'));
    const draws = ['taken', 'free'];
    const got = await claimFreshSlot(store, () => draws.shift() ?? 'spare');
    expect(got.slot).toBe('free');
    expect(existsSync(lockFile(store, 'taken'))).toBe(false);
    got.lock.release();
  });

  it('when every draw is taken it says to name a slot (exit 2), holding nothing', async () => {
    const store = storeIn(tempHome('pq-fresh-'));
    const held = await store.lock('busy');
    const err = await claimFreshSlot(store, () => 'busy').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('could not find a free slot name after 8 tries; name one with --slot');
    expect(exitCodeFor(err)).toBe(2);
    held.release();
    expect(existsSync(lockFile(store, 'busy'))).toBe(false);
  });
});

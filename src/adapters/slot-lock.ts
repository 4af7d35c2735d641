/**
 * One writer per slot: `<slot>.jsonl.lock` holds the pid and start time of the PromptQuest
 * that has the slot open. It is made whole in one step (a temporary file hard-linked into
 * place, which fails when the lock exists), so a reader never sees half a lock. A lock
 * whose process is gone (kill -9, a crash) is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SlotBusy } from '../core/errors.js';
import { isErrno, writeFailure } from './save-io.js';

export class SlotLock {
  private held = true;
  private readonly onExit = (): void => this.release();

  constructor(readonly file: string, private readonly token: string) {
    // process.exit (Ctrl-C during a game exits 130) runs no finally blocks, but it runs this.
    process.once('exit', this.onExit);
  }

  /** Let the slot go (idempotent); a lock someone else has taken over is left alone. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.onExit);
    try {
      if (readFileSync(this.file, 'utf8') === this.token) unlinkSync(this.file);
    } catch {
      // already gone: nothing to release
    }
  }
}

/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err) && err.code === 'EPERM';
  }
}

/** The pid in a lock file; null when it cannot be read as one (then it is treated as stale). */
async function holderOf(file: string): Promise<number | null> {
  try {
    const pid = (JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Make `file` hold `token`, failing with EEXIST when it exists. */
async function place(tmp: string, file: string, token: string): Promise<void> {
  try {
    await link(tmp, file);
  } catch (err) {
    // A file system without hard links: an exclusive create, written at once.
    if (!isErrno(err) || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(err.code ?? '')) throw err;
    await writeFile(file, token, { flag: 'wx' });
  }
}

/** Take the lock at `file` for `slot`, or throw SlotBusy naming the process that holds it. */
export async function takeLock(file: string, slot: string): Promise<SlotLock> {
  const token = `${JSON.stringify({ pid: process.pid, started: new Date().toISOString(), nonce: randomBytes(4).toString('hex') })}\n`;
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, token, { flag: 'wx' });
  } catch (err) {
    // A full or read-only disk: nothing is left behind, and the line says what and where.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(err, file, 'lock file');
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await place(tmp, file, token);
        return new SlotLock(file, token);
      } catch (err) {
        if (!isErrno(err) || err.code !== 'EEXIST') throw writeFailure(err, file, 'lock file');
      }
      const holder = await holderOf(file);
      if ((holder !== null && isAlive(holder)) || attempt >= 2) throw new SlotBusy(slot, holder ?? 0);
      await rm(file, { force: true }); // stale: its process is gone
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * One writer per slot: `<slot>.jsonl.lock` holds the pid and start time of the PromptQuest
 * that has the slot open. It is made whole in one step (a temporary file hard-linked into
 * place, which fails when the lock exists), so a reader never sees half a lock. A lock
 * whose process is gone (kill -9, a crash) is stale and taken over, by one taker only; so is
 * one whose pid now belongs to someone else (after a restart pids are handed out again: in a
 * container, PromptQuest often gets the very pid its killed predecessor had). A lock written on
 * another host or in another container's pid namespace (a shared saves folder) is never judged
 * by its pid: it is held, and the refusal says where it came from and how to clear it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { SlotBusy } from '../core/errors.js';
import { isErrno, writeFailure } from './save-io.js';

/** The tokens of the locks this process holds: a lock with our pid and another token is a predecessor's. */
const ours = new Set<string>();

export class SlotLock {
  private held = true;
  private readonly onExit = (): void => this.release();

  constructor(readonly file: string, private readonly token: string) {
    ours.add(token);
    // process.exit (Ctrl-C during a game exits 130) runs no finally blocks, but it runs this.
    process.once('exit', this.onExit);
  }

  /** Let the slot go (idempotent); a lock someone else has taken over is left alone. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    ours.delete(this.token);
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

/** The pid in a lock's text; null when it cannot be read as one (then the lock is treated as stale). */
function pidIn(text: string | null): number | null {
  const pid = fieldOf(text, 'pid');
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function fieldOf(text: string | null, key: string): unknown {
  try {
    return (JSON.parse(text ?? '') as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The script the locking process runs (bin/promptquest.js, or a test runner): what tells it from a stranger with its pid. */
const OWN_SCRIPT = process.argv[1] ?? '';

/**
 * Where a pid means something: the host and (on Linux) the pid namespace. A saves folder shared
 * between machines or containers holds locks whose pids say nothing here: pid 1 in one
 * container is not pid 1 in another. Such a lock is never judged stale by its pid.
 */
function pidSpace(): { host: string; pidns: string | null } {
  let pidns: string | null = null;
  try {
    pidns = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidns = null; // no /proc: the host alone says where
  }
  return { host: hostname(), pidns };
}
const OWN_SPACE = pidSpace();

/** Whether the lock was written where its pid can be looked up from here (a lock without a host is from an older PromptQuest: assumed so). */
function samePidSpace(text: string): boolean {
  const host = fieldOf(text, 'host');
  if (typeof host !== 'string') return true;
  const pidns = fieldOf(text, 'pidns');
  return host === OWN_SPACE.host && (typeof pidns !== 'string' || OWN_SPACE.pidns === null || pidns === OWN_SPACE.pidns);
}

/** The host a lock was written on, when that is not where its pid can be looked up. */
const foreignHost = (text: string): string | null => (samePidSpace(text) ? null : String(fieldOf(text, 'host')));

/**
 * Whether the process with `pid` is not the one that wrote `text`: our own pid on a lock this
 * process never took, or (where /proc says what a process runs) a program that is not running
 * the script the lock names. Unknown means no: a lock is only taken over on evidence.
 */
function pidReused(pid: number, text: string): boolean {
  if (pid === process.pid) return !ours.has(text);
  const script = fieldOf(text, 'script');
  if (typeof script !== 'string' || script === '') return false;
  try {
    // By file name: the same script shows as ./bin/promptquest.js or /usr/local/bin/promptquest.
    const name = basename(script);
    return !readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => basename(arg) === name);
  } catch {
    return false; // no /proc (macOS), or not ours to read
  }
}

/** Whether the process that wrote this lock still holds it: always, as far as we can tell, when its pid is from elsewhere. */
const holdsIt = (pid: number | null, text: string): boolean =>
  !samePidSpace(text) || (pid !== null && isAlive(pid) && !pidReused(pid, text));

/** A lock file's text, or null when it is gone. */
const textOf = (file: string): Promise<string | null> => readFile(file, 'utf8').catch(() => null);

/**
 * Remove the lock whose text is `stale` (its process is gone), and only that lock. Two takers
 * may judge one lock stale at once; removing it by name, the slower would delete the lock the
 * faster has just made, and both would write. So removing a stale lock takes a claim first: a
 * file named after that lock's text, made as exclusively as the lock. Only the claim's holder
 * removes that lock, so while it reads as `stale` it is still the one judged. A claim whose
 * maker died is removed, and the next attempt claims again.
 */
export async function clearStale(file: string, stale: string, tmp: string, token: string): Promise<void> {
  const claim = `${file}.${createHash('sha256').update(stale).digest('hex').slice(0, 16)}.takeover`;
  try {
    await place(tmp, claim, token);
  } catch (err) {
    if (!isErrno(err) || err.code !== 'EEXIST') throw err;
    const claimer = pidIn(await textOf(claim));
    if (claimer === null || !isAlive(claimer)) await rm(claim, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 20)); // another taker is at it
    return;
  }
  try {
    if ((await textOf(file)) === stale) await rm(file, { force: true });
  } finally {
    await rm(claim, { force: true });
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
  const token = `${JSON.stringify({ pid: process.pid, started: new Date().toISOString(), nonce: randomBytes(4).toString('hex'), script: OWN_SCRIPT, ...OWN_SPACE })}\n`;
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, token, { flag: 'wx' });
  } catch (err) {
    // A full or read-only disk: nothing is left behind, and the line says what and where.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(err, file, 'lock file');
  }
  // Ours from before it is placed: another taker in this process that reads it a moment later
  // must see a lock this process holds, not one a predecessor with our pid left.
  ours.add(token);
  let taken = false;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await place(tmp, file, token);
        taken = true;
        return new SlotLock(file, token);
      } catch (err) {
        if (!isErrno(err) || err.code !== 'EEXIST') throw writeFailure(err, file, 'lock file');
      }
      const text = await textOf(file);
      if (text === null) continue; // let go just now: try again
      const holder = pidIn(text);
      if (holdsIt(holder, text) || attempt >= 5) throw new SlotBusy(slot, holder ?? 0, foreignHost(text) === null ? null : { host: foreignHost(text)!, file });
      await clearStale(file, text, tmp, token); // stale: its process is gone (kill -9, a crash), or its pid is another's
    }
  } finally {
    if (!taken) ours.delete(token);
    await rm(tmp, { force: true });
  }
}

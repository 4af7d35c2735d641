/**
 * Saves as append-only JSON Lines journals, one file per slot. A turn costs one
 * append (never a rewrite); a load never writes; a torn last line (a crash mid-write)
 * is ignored with a warning and cut off by the next append. The only rewrite is an
 * older format being written back in the current one, after a rolling backup.
 * Every line is checked with the loader's schema before it is written: a save this
 * store wrote always loads again. Every append is written whole and synced, or not at
 * all: on a failure the file is cut back to where it was and WriteFailed is thrown.
 */
import type { Stats } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION, type Header, journalLine, type JournalEvent, summarize, type JournalSummary } from '../core/journal.js';
import { diskProblem, SaveConflict, SaveDamaged, SaveUnreadable, UsageError } from '../core/errors.js';
import { checkSlot } from '../core/slot.js';
import type { SaveStore, SlotSummary } from '../engine/ports.js';
import { headerObject, nextIdOf, parseJournal, parseLine, type ParsedJournal } from './journal-file.js';
import {
  checkRegular, createWhole, isErrno, nodeFs, openRegular, readAll, readFirstLine, repairTail, replaceWhole, syncDir, syncFile, writeAll,
  writeFailure, type SaveFs,
} from './save-io.js';
import { takeLock, type SlotLock } from './slot-lock.js';

export { parseJournal, type ParsedJournal } from './journal-file.js';
export type { SaveFs } from './save-io.js';

const EXT = '.jsonl';

export interface SaveEntry extends SlotSummary {
  file: string;
  summary: JournalSummary;
  warnings: string[];
}

export interface DamagedSlot {
  slot: string;
  file: string;
  /** One line: what is wrong and where. */
  problem: string;
}

export interface FileStoreOptions {
  /** The calls that write and sync (tests inject short writes and failures). */
  fs?: Partial<SaveFs>;
}

export class FileSaveStore implements SaveStore {
  private readonly fs: SaveFs;
  /** What this store last saw of each file (its stamp) and the id its next turn must have. */
  private readonly known = new Map<string, { stamp: string; nextId: number }>();

  constructor(readonly dir: string, options: FileStoreOptions = {}) {
    const given = options.fs ?? {};
    // Looked up on each call (the object may be a class instance, its methods swapped later).
    this.fs = {
      write: (fh, data, position) => (given.write ?? nodeFs.write).call(given, fh, data, position),
      fsync: (fh) => (given.fsync ?? nodeFs.fsync).call(given, fh),
      truncate: (fh, size) => (given.truncate ?? nodeFs.truncate).call(given, fh, size),
    };
  }

  /** The journal's path. */
  file(slot: string): string {
    return join(this.dir, `${checkSlot(slot)}${EXT}`);
  }

  describe(slot: string): string {
    return this.file(slot);
  }

  backupOf(slot: string): string {
    return `${this.file(slot)}.bak`;
  }

  async exists(slot: string): Promise<boolean> {
    return stat(this.file(slot)).then((s) => s.isFile(), () => false);
  }

  /** The slot for this process alone, until released (SlotBusy when another process has it). */
  lock(slot: string): Promise<SlotLock> {
    return takeLock(`${this.file(slot)}.lock`, slot);
  }

  /** A new slot, written whole (a fork brings its turns along), or not at all. Never overwrites a save. */
  async create(header: Header, events: readonly JournalEvent[] = []): Promise<void> {
    const file = this.file(header.slot);
    const text = journalText(header, events, file); // checked before anything touches the disk
    try {
      await mkdir(this.dir, { recursive: true });
      await createWhole(this.fs, file, text);
    } catch (err) {
      if (isErrno(err) && err.code === 'EEXIST') throw new UsageError(`slot "${header.slot}" already exists; use: promptquest continue ${header.slot}`);
      throw writeFailure(err, file, 'new save');
    }
    await syncDir(this.dir);
    this.known.set(file, { stamp: stampOf(await stat(file)), nextId: nextIdOf(events) });
  }

  async append(slot: string, event: JournalEvent): Promise<void> {
    const file = this.file(slot);
    const line = Buffer.from(journalLine(event, file)); // checked before anything touches the disk
    try {
      await this.upgrade(file);
      const fh = await openRegular(file, 'r+');
      try {
        await this.appendTo(fh, file, event, line);
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (isErrno(err) && err.code === 'ENOENT') throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
      throw writeFailure(err, file);
    }
  }

  private async appendTo(fh: FileHandle, file: string, event: JournalEvent, line: Buffer): Promise<void> {
    const size = await repairTail(this.fs, fh, file);
    const nextId = await this.nextId(fh, file);
    if (event.type === 'turn' && event.id !== nextId) throw new SaveConflict(file, event.id, nextId);
    try {
      await writeAll(this.fs, fh, line, size);
      await this.fs.fsync(fh);
    } catch (err) {
      // Whatever part of the line reached the disk goes again: the file ends at its last whole line.
      await this.fs.truncate(fh, size).catch(() => undefined);
      this.known.delete(file);
      throw err;
    }
    this.known.set(file, { stamp: stampOf(await fh.stat()), nextId: event.type === 'turn' ? event.id + 1 : nextId });
  }

  /**
   * The id the file's next turn must have: remembered while the file is as this store left it
   * (same size, time and inode), else read again (and refused if damaged).
   */
  private async nextId(fh: FileHandle, file: string): Promise<number> {
    const known = this.known.get(file);
    const stamp = stampOf(await fh.stat());
    if (known?.stamp === stamp) return known.nextId;
    this.known.delete(file);
    const nextId = nextIdOf(parseJournal((await readAll(fh)).toString('utf8'), file).events);
    this.known.set(file, { stamp, nextId });
    return nextId;
  }

  /**
   * An older format is written back in the current one before anything is appended
   * to it. Checked on every append (one small read): the file may have been replaced.
   */
  private async upgrade(file: string): Promise<void> {
    const fh = await openRegular(file, 'r');
    let text: string | null = null;
    try {
      const { format } = headerObject(parseLine(await readFirstLine(fh), file, 1), file);
      if (format !== FORMAT_VERSION) text = (await readAll(fh)).toString('utf8');
    } finally {
      await fh.close();
    }
    if (text !== null) {
      const { header, events } = parseJournal(text, file);
      await this.rewrite(file, header, events);
    }
  }

  /** Replace a file atomically, keeping the previous good one as <slot>.jsonl.bak (rolling). */
  private async rewrite(file: string, header: Header, events: readonly JournalEvent[]): Promise<void> {
    await copyFile(file, `${file}.bak`);
    await syncFile(`${file}.bak`);
    await replaceWhole(this.fs, file, journalText(header, events, file));
    await syncDir(this.dir);
    this.known.delete(file);
  }

  async load(slot: string): Promise<ParsedJournal> {
    const file = this.file(slot);
    this.known.delete(file);
    const { bytes, stamp } = await readSave(file).catch((err: unknown) => {
      if (isErrno(err) && err.code === 'ENOENT') throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
      throw err;
    });
    const parsed = parseJournal(bytes.toString('utf8'), file);
    this.known.set(file, { stamp, nextId: nextIdOf(parsed.events) });
    return parsed;
  }

  /** Every save in the folder: the readable ones summarised, the damaged or odd ones with their problem. */
  async scan(): Promise<{ saves: SaveEntry[]; damaged: DamagedSlot[] }> {
    const names = await readdir(this.dir).catch((err: unknown) => {
      if (isErrno(err) && err.code === 'ENOENT') return [] as string[];
      throw new SaveUnreadable(this.dir, `cannot read the saves folder: ${diskProblem(isErrno(err) ? (err.code ?? 'EIO') : 'EIO')}`);
    });
    const saves: SaveEntry[] = [];
    const damaged: DamagedSlot[] = [];
    for (const name of names.filter((n) => n.endsWith(EXT))) {
      const slot = name.slice(0, -EXT.length);
      const file = join(this.dir, name);
      try {
        const { header, events, warnings } = await this.load(slot);
        const summary = summarize(header, events);
        const ending = summary.ending ? `${summary.ending.outcome}: ${summary.ending.reason}` : null;
        saves.push({ slot, file, header, turns: summary.turns, lastPlayed: summary.lastPlayed, ending, summary, warnings });
      } catch (err) {
        damaged.push({ slot, file, problem: problemIn(err) });
      }
    }
    saves.sort((a, b) => b.lastPlayed.localeCompare(a.lastPlayed));
    return { saves, damaged };
  }

  async list(): Promise<SlotSummary[]> {
    return (await this.scan()).saves;
  }

  async remove(slot: string): Promise<void> {
    if (!(await this.exists(slot))) throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
    await rm(this.file(slot));
    await rm(this.backupOf(slot), { force: true });
    this.known.delete(this.file(slot));
  }
}

/** Size, modification time and inode: a file changed by anyone else has another stamp. */
const stampOf = (s: Stats): string => `${s.size}:${s.mtimeMs}:${s.ino}`;

/** A save's bytes and stamp; a folder, a FIFO or an unreadable file is refused naming the path. */
async function readSave(file: string): Promise<{ bytes: Buffer; stamp: string }> {
  await checkRegular(file);
  const fh = await openRegular(file, 'r').catch((err: unknown) => {
    if (isErrno(err) && err.code !== 'ENOENT') throw new SaveUnreadable(file, `cannot read it: ${diskProblem(err.code ?? 'EIO')}`);
    throw err;
  });
  try {
    return { bytes: await readAll(fh), stamp: stampOf(await fh.stat()) };
  } finally {
    await fh.close();
  }
}

/** An error about one save as a short problem: "line 3: damaged…". */
function problemIn(err: unknown): string {
  if (err instanceof SaveDamaged) return err.line === null ? err.problem : `line ${err.line}: ${err.problem}`;
  if (err instanceof SaveUnreadable) return err.problem;
  return err instanceof Error ? err.message : String(err);
}

function journalText(header: Header, events: readonly JournalEvent[], file: string): string {
  return [header, ...events].map((e) => journalLine(e, file)).join('');
}

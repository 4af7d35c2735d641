/**
 * The low-level file work of the save store: whole writes (a write may write fewer bytes
 * than asked), fsync, new files made atomically, and opening only regular files (a FIFO
 * is never opened: opening one for reading would wait for a writer forever).
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { link, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { diskProblem, SaveDamaged, SaveUnreadable, WriteFailed } from '../core/errors.js';

/** The calls that put bytes on the disk; tests inject short writes and failures here. */
export interface SaveFs {
  /** Write at `position`; resolves with the bytes written (maybe fewer than given). */
  write(fh: FileHandle, data: Uint8Array, position: number): Promise<number>;
  fsync(fh: FileHandle): Promise<void>;
  truncate(fh: FileHandle, size: number): Promise<void>;
}

export const nodeFs: SaveFs = {
  write: async (fh, data, position) => (await fh.write(data, 0, data.length, position)).bytesWritten,
  fsync: (fh) => fh.datasync(),
  truncate: (fh, size) => fh.truncate(size),
};

const CHUNK = 16 * 1024;

export const isErrno = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';

/** A failed write as WriteFailed (errno errors only: anything else is passed on unchanged). */
export function writeFailure(err: unknown, file: string, what?: string): unknown {
  return isErrno(err) && !(err instanceof WriteFailed) ? new WriteFailed(file, err.code ?? 'EIO', what) : err;
}

/** Write every byte of `data` at `position`, looping over short writes. */
export async function writeAll(fs: SaveFs, fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const n = await fs.write(fh, data.subarray(done), position + done);
    if (!(n > 0)) throw Object.assign(new Error(`write wrote nothing at byte ${position + done}`), { code: 'EIO' });
    done += n;
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  return 'a device or other special file';
}

/** Refuse (naming the path) anything at `file` that is not a regular file; missing is passed on. */
export async function checkRegular(file: string): Promise<void> {
  const s = await stat(file).catch((err: unknown) => {
    if (isErrno(err) && err.code !== 'ENOENT') throw new SaveUnreadable(file, `cannot read it: ${diskProblem(err.code ?? 'EIO')}`);
    throw err;
  });
  if (!s.isFile()) throw new SaveUnreadable(file, `not a saved game: it is ${kindOf(s)}; nothing was read or changed`);
}

/**
 * Open a regular file, never anything else: checked before the open, and again on the open
 * handle (non-blocking, so a file swapped for a FIFO in between cannot hang us either).
 */
export async function openRegular(file: string, flags: 'r' | 'r+'): Promise<FileHandle> {
  await checkRegular(file);
  const mode = (flags === 'r' ? constants.O_RDONLY : constants.O_RDWR) | (constants.O_NONBLOCK ?? 0);
  const fh = await open(file, mode);
  const s = await fh.stat();
  if (!s.isFile()) {
    await fh.close();
    throw new SaveUnreadable(file, `not a saved game: it is ${kindOf(s)}; nothing was read or changed`);
  }
  return fh;
}

/** The whole of an open file. */
export async function readAll(fh: FileHandle): Promise<Buffer> {
  const { size } = await fh.stat();
  const buf = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const { bytesRead } = await fh.read(buf, got, size - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

export async function readFirstLine(fh: FileHandle): Promise<string> {
  let text = '';
  for (let pos = 0; ; pos += CHUNK) {
    const buf = Buffer.alloc(CHUNK);
    const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    text += buf.subarray(0, nl < 0 ? bytesRead : nl).toString('utf8');
    if (nl >= 0 || bytesRead < CHUNK) return text;
  }
}

/**
 * A file must end in a newline before an append. A last line cut short by a crash is
 * dropped (the load already warned about it); a complete one that only lost its
 * newline (a hand edit) gets the newline back instead of being thrown away.
 * Resolves with the file's size afterwards: where the next line goes.
 */
export async function repairTail(fs: SaveFs, fh: FileHandle, file: string): Promise<number> {
  const { size } = await fh.stat();
  if (size === 0) throw new SaveDamaged(file, null, 'the save is empty; nothing was changed');
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  const lineStart = await lastLineStart(fh, size);
  const tail = Buffer.alloc(size - lineStart);
  await fh.read(tail, 0, tail.length, lineStart);
  if (isJson(tail.toString('utf8'))) {
    await writeAll(fs, fh, Buffer.from('\n'), size);
    return size + 1;
  }
  if (lineStart === 0) throw new SaveDamaged(file, 1, 'the save has no complete header line; nothing was changed');
  await fs.truncate(fh, lineStart);
  return lineStart;
}

/** Offset just after the last newline, scanning back a chunk at a time; 0 when there is none. */
async function lastLineStart(fh: FileHandle, size: number): Promise<number> {
  for (let end = size; end > 0; end -= CHUNK) {
    const start = Math.max(0, end - CHUNK);
    const buf = Buffer.alloc(end - start);
    await fh.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
  }
  return 0;
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A temporary file next to `file`, written whole and synced; removed again if anything fails. */
async function writeTemp(fs: SaveFs, file: string, text: string): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await writeAll(fs, fh, Buffer.from(text), 0);
      await fs.fsync(fh);
    } finally {
      await fh.close();
    }
    return tmp;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * A new file with all of `text`, or no file at all (a full disk leaves no empty save behind).
 * Never replaces an existing file: rejects with the EEXIST error then.
 */
export async function createWhole(fs: SaveFs, file: string, text: string): Promise<void> {
  const tmp = await writeTemp(fs, file, text);
  try {
    await link(tmp, file).catch(async (err: unknown) => {
      // A file system without hard links: the slot was checked just before (and is locked).
      if (!isErrno(err) || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(err.code ?? '')) throw err;
      if (await stat(file).then(() => true, () => false)) throw Object.assign(new Error(`${file} exists`), { code: 'EEXIST' });
      await rename(tmp, file);
    });
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Replace `file` atomically with all of `text`. */
export async function replaceWhole(fs: SaveFs, file: string, text: string): Promise<void> {
  const tmp = await writeTemp(fs, file, text);
  await rename(tmp, file).catch(async (err: unknown) => {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  });
}

export async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Make a new or renamed entry durable; some platforms cannot sync a folder, which is fine. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}

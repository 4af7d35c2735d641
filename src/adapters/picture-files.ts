/**
 * Pictures and transcripts on disk, beside the saves. A picture is written whole (a temporary
 * file, then renamed), so a crash never leaves half a PNG under a name the journal uses.
 */
import { appendFile, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PictureStore, SavedPicture, TranscriptSink } from '../engine/ports.js';
import { escapeRegExp } from '../core/regexp.js';
import { openRegular } from './save-io.js';

/** "lighthouse-1.t3.png", then "lighthouse-1.t3-2.png", ...: the n-th name tried for a picture. */
const variant = (file: string, n: number): string => (n === 1 ? file : file.replace(/\.png$/, `-${n}.png`));

export class PictureFiles implements PictureStore {
  constructor(readonly dir: string) {}

  /**
   * Never over another picture: a fork's journal may still name a deleted game's pictures, and a
   * new game in that slot would otherwise paint over them. The name is claimed by creating it
   * exclusively, then the whole picture is renamed onto that claim, so a name the journal
   * records never holds half a PNG (the journal records it only after this).
   */
  async save(file: string, png: Uint8Array): Promise<SavedPicture> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${file}.${process.pid}.tmp`);
    try {
      await writeFile(tmp, png);
      const name = await this.claim(file);
      try {
        await rename(tmp, join(this.dir, name));
      } catch (err) {
        await rm(join(this.dir, name), { force: true }).catch(() => undefined); // the empty claim
        throw err;
      }
      return { file: name, path: join(this.dir, name) };
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** The first free name of `file`'s variants, created empty so no other writer takes it. */
  private async claim(file: string): Promise<string> {
    for (let n = 1; ; n++) {
      const name = variant(file, n);
      try {
        await (await open(join(this.dir, name), 'wx')).close();
        return name;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw err;
      }
    }
  }
}

/** `<saves>/<slot>.transcript.txt`, appended to: turning it on again goes on where it stopped. */
export class TranscriptFile implements TranscriptSink {
  readonly path: string;

  constructor(dir: string, slot: string) {
    this.path = join(dir, `${slot}.transcript.txt`);
  }

  async open(): Promise<string> {
    await appendFile(this.path, '');
    return this.path;
  }

  write(text: string): Promise<void> {
    return appendFile(this.path, text);
  }
}


/** Picture files a journal's `image` events name (names only: pictures live beside the saves). */
const namedPictures = (journal: string): string[] => [...journal.matchAll(/"file":"([^"\\/]+\.png)"/g)].map((m) => m[1]!);

/**
 * A journal's text, or null when it cannot be read as one: a regular file (a symlink to one
 * counts, as it does for the saves list), opened without blocking, so a FIFO never hangs us.
 */
export async function regularFileText(path: string): Promise<string | null> {
  try {
    const fh = await openRegular(path, 'r');
    try {
      return await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/**
 * When a save is deleted: the pictures its journal names and those made in its slot
 * (`slot.t3.png`, `slot.t3-2.png`, and a crash's temporary files), except any that another save's journal names: a fork names
 * its source's pictures, so they stay while either game does. Every picture stays if another
 * journal cannot be read (it might name them), or while another PromptQuest holds a slot's lock
 * (a fork being made reads its source before its own journal exists). Only regular files are
 * removed. Resolves with the names removed.
 */
export async function removeUnusedPictures(dir: string, slot: string, journal: string | null): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  // Its pictures, and the temporary file of one a crash left half made (`slot.t3.png.1234.tmp`):
  // the slot's lock is ours now, so no painter of this slot is writing one.
  const own = new RegExp(`^${escapeRegExp(slot)}\\.t\\d+(?:-\\d+)?\\.png(?:\\.\\d+\\.tmp)?$`);
  const named = new Set(journal ? namedPictures(journal) : []);
  const pictures = entries.filter((e) => e.isFile() && (own.test(e.name) || named.has(e.name))).map((e) => e.name);
  if (pictures.length === 0) return [];
  if (entries.some((e) => e.name.endsWith('.jsonl.lock') && e.name !== `${slot}.jsonl.lock`)) return [];
  const journals = entries.filter((e) => e.name.endsWith('.jsonl') && e.name !== `${slot}.jsonl` && !e.isDirectory());
  const texts = await Promise.all(journals.map((e) => regularFileText(join(dir, e.name))));
  if (texts.includes(null)) return [];
  const elsewhere = new Set(texts.flatMap((text) => namedPictures(text ?? '')));
  const unused = pictures.filter((name) => !elsewhere.has(name));
  await Promise.all(unused.map((name) => rm(join(dir, name), { force: true })));
  return unused;
}

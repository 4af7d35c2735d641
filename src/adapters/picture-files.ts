/**
 * Pictures and transcripts on disk, beside the saves. A picture is written whole (a temporary
 * file, then renamed), so a crash never leaves half a PNG under a name the journal uses.
 */
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PictureStore, TranscriptSink } from '../engine/ports.js';

export class PictureFiles implements PictureStore {
  constructor(readonly dir: string) {}

  async save(file: string, png: Uint8Array): Promise<string> {
    const path = join(this.dir, file);
    const tmp = `${path}.${process.pid}.tmp`;
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(tmp, png);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    return path;
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

/**
 * Saves as append-only JSON Lines journals, one file per slot. A turn costs one
 * append (never a rewrite); a load never writes; a torn last line (a crash mid-write)
 * is ignored with a warning and overwritten by the next append.
 */
import { mkdir, open, readFile, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION, Header, JournalEvent, fold, mainLine } from '../core/journal.js';
import { UsageError } from '../core/errors.js';
import { checkSlot } from '../core/slot.js';
import { migrate } from '../core/migrations.js';
import type { LoadedSave, SaveStore, SlotSummary } from '../engine/ports.js';

const EXT = '.jsonl';

export class FileSaveStore implements SaveStore {
  constructor(readonly dir: string) {}

  private file(slot: string): string {
    return join(this.dir, `${checkSlot(slot)}${EXT}`);
  }

  describe(slot: string): string {
    return this.file(slot);
  }

  async exists(slot: string): Promise<boolean> {
    return stat(this.file(slot)).then(() => true, () => false);
  }

  async create(header: Header): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // 'wx': never overwrite an existing save with a new game.
    const fh = await open(this.file(header.slot), 'wx').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw new UsageError(`slot "${header.slot}" already exists; use: promptquest continue ${header.slot}`);
      throw err;
    });
    try {
      await fh.write(`${JSON.stringify(header)}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async append(slot: string, event: JournalEvent): Promise<void> {
    const file = this.file(slot);
    await this.dropTornTail(file);
    const fh = await open(file, 'a');
    try {
      await fh.write(`${JSON.stringify(event)}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  /** If the file does not end in a newline, cut back to the last whole line. */
  private async dropTornTail(file: string): Promise<void> {
    const { size } = await stat(file);
    if (size === 0) return;
    const fh = await open(file, 'r');
    try {
      const window = Math.min(size, 1 << 20);
      const buf = Buffer.alloc(window);
      await fh.read(buf, 0, window, size - window);
      if (buf[window - 1] === 0x0a) return;
      const lastNewline = buf.lastIndexOf(0x0a);
      await fh.close().catch(() => undefined);
      await truncate(file, lastNewline < 0 ? size - window : size - window + lastNewline + 1);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  async load(slot: string): Promise<LoadedSave> {
    const file = this.file(slot);
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
      throw err;
    });
    return parseJournal(text, file);
  }

  async list(): Promise<SlotSummary[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: SlotSummary[] = [];
    for (const name of names.filter((n) => n.endsWith(EXT))) {
      const slot = name.slice(0, -EXT.length);
      try {
        const { header, events } = await this.load(slot);
        const t = fold(events);
        const line = mainLine(t);
        const last = line.at(-1);
        const ending = last?.turn.game_over ? `${last.turn.game_over.outcome}: ${last.turn.game_over.reason}` : null;
        out.push({ slot, header, turns: line.length, lastPlayed: last?.at ?? header.created, ending });
      } catch {
        // A damaged save is listed by `saves list` separately; never hide the others.
      }
    }
    return out.sort((a, b) => b.lastPlayed.localeCompare(a.lastPlayed));
  }

  async remove(slot: string): Promise<void> {
    if (!(await this.exists(slot))) throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
    await rm(this.file(slot));
  }
}

/** Parse a journal; the only tolerated damage is a torn last line. */
export function parseJournal(text: string, file: string): LoadedSave {
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') ? lines.pop() : (lines.pop(), undefined);
  const warnings: string[] = [];
  if (torn) warnings.push(`${file}: ignored an incomplete last line (the game was interrupted while saving)`);
  const first = lines[0];
  if (first === undefined) throw new UsageError(`${file}: the save is empty`);
  const rawHeader = parseLine(first, file, 1) as { format?: unknown };
  if (typeof rawHeader.format === 'number' && rawHeader.format > FORMAT_VERSION) {
    throw new UsageError(`${file}: saved by a newer PromptQuest (save format ${rawHeader.format}, this version reads up to ${FORMAT_VERSION}); upgrade to continue it`);
  }
  const migrated = migrate(rawHeader, lines.slice(1).map((l, i) => parseLine(l, file, i + 2)));
  const header = Header.safeParse(migrated.header);
  if (!header.success) throw new UsageError(`${file}:1: not a PromptQuest save header (${header.error.issues[0]?.message ?? 'invalid'})`);
  const events = migrated.events.map((raw, i) => {
    const e = JournalEvent.safeParse(raw);
    if (!e.success) throw new UsageError(`${file}:${i + 2}: damaged save event (${e.error.issues[0]?.path.join('.') ?? ''} ${e.error.issues[0]?.message ?? ''})`);
    return e.data;
  });
  return { header: header.data, events, warnings };
}

function parseLine(line: string, file: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new UsageError(`${file}:${n}: damaged save line (not JSON); nothing was changed`);
  }
}

/**
 * Saves as append-only JSON Lines journals, one file per slot. A turn costs one
 * append (never a rewrite); a load never writes; a torn last line (a crash mid-write)
 * is ignored with a warning and cut off by the next append. The only rewrite is an
 * older format being written back in the current one, after a rolling backup.
 * Every line is checked with the loader's schema before it is written: a save this
 * store wrote always loads again.
 */
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION, Header, issueText, JournalEvent, journalLine, summarize, type JournalSummary } from '../core/journal.js';
import { UsageError } from '../core/errors.js';
import { sanitizeDeep } from '../core/sanitize.js';
import { checkSlot } from '../core/slot.js';
import { migrate } from '../core/migrations.js';
import type { LoadedSave, SaveStore, SlotSummary } from '../engine/ports.js';

const EXT = '.jsonl';
const CHUNK = 16 * 1024;

export interface ParsedJournal extends LoadedSave {
  /** The format the file was written in (older ones are migrated in memory). */
  format: number;
  /** Migrations applied in memory, oldest first. */
  applied: string[];
}

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

export class FileSaveStore implements SaveStore {
  constructor(readonly dir: string) {}

  private file(slot: string): string {
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

  /** A new slot, written whole (a fork brings its turns along). Never overwrites a save. */
  async create(header: Header, events: readonly JournalEvent[] = []): Promise<void> {
    const file = this.file(header.slot);
    const text = journalText(header, events, file); // checked before anything touches the disk
    await mkdir(this.dir, { recursive: true });
    const fh = await open(file, 'wx').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw new UsageError(`slot "${header.slot}" already exists; use: promptquest continue ${header.slot}`);
      throw err;
    });
    try {
      await fh.write(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await syncDir(this.dir);
  }

  async append(slot: string, event: JournalEvent): Promise<void> {
    const file = this.file(slot);
    const line = journalLine(event, file); // checked before anything touches the disk
    await this.upgrade(file);
    await repairTail(file);
    const fh = await open(file, 'a');
    try {
      await fh.write(line);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  /**
   * An older format is written back in the current one before anything is appended
   * to it. Checked on every append (one small read): the file may have been replaced.
   */
  private async upgrade(file: string): Promise<void> {
    const { format } = headerObject(parseLine(await readFirstLine(file), file, 1), file);
    if (format !== FORMAT_VERSION) {
      const text = await readFile(file, 'utf8');
      const { header, events } = parseJournal(text, file);
      await this.rewrite(file, header, events);
    }
  }

  /** Replace a file atomically, keeping the previous good one as <slot>.jsonl.bak (rolling). */
  private async rewrite(file: string, header: Header, events: readonly JournalEvent[]): Promise<void> {
    await copyFile(file, `${file}.bak`);
    await syncFile(`${file}.bak`);
    const tmp = `${file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.write(journalText(header, events, file));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await syncDir(this.dir);
  }

  async load(slot: string): Promise<ParsedJournal> {
    const file = this.file(slot);
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new UsageError(`no saved game "${slot}" (see: promptquest saves list)`);
      throw err;
    });
    return parseJournal(text, file);
  }

  /** Every save in the folder: the readable ones summarised, the damaged ones with their problem. */
  async scan(): Promise<{ saves: SaveEntry[]; damaged: DamagedSlot[] }> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
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
        damaged.push({ slot, file, problem: problemIn(file, err) });
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
  }
}

/** An error about a file as a short problem: "/x/a.jsonl:3: damaged…" -> "line 3: damaged…". */
function problemIn(file: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!message.startsWith(`${file}:`)) return message;
  const rest = message.slice(file.length + 1);
  const line = /^(\d+): /.exec(rest);
  return line ? `line ${line[1]}: ${rest.slice(line[0].length)}` : rest.trim();
}

function journalText(header: Header, events: readonly JournalEvent[], file: string): string {
  return [header, ...events].map((e) => journalLine(e, file)).join('');
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Make a new or renamed entry durable; some platforms cannot sync a folder, which is fine. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}

async function readFirstLine(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    let text = '';
    for (let pos = 0; ; pos += CHUNK) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      text += buf.subarray(0, nl < 0 ? bytesRead : nl).toString('utf8');
      if (nl >= 0 || bytesRead < CHUNK) return text;
    }
  } finally {
    await fh.close();
  }
}

/**
 * A file must end in a newline before an append. A last line cut short by a crash is
 * dropped (the load already warned about it); a complete one that only lost its
 * newline (a hand edit) gets the newline back instead of being thrown away.
 */
async function repairTail(file: string): Promise<void> {
  const fh = await open(file, 'r');
  let fix: { cutAt: number } | 'newline' | null = null;
  try {
    const { size } = await fh.stat();
    const last = Buffer.alloc(1);
    if (size === 0) throw new UsageError(`${file}: the save is empty; nothing was changed`);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    const lineStart = await lastLineStart(fh, size);
    const tail = Buffer.alloc(size - lineStart);
    await fh.read(tail, 0, tail.length, lineStart);
    if (isJson(tail.toString('utf8'))) fix = 'newline';
    else if (lineStart === 0) throw new UsageError(`${file}: the save has no complete header line; nothing was changed`);
    else fix = { cutAt: lineStart };
  } finally {
    await fh.close();
  }
  if (fix === 'newline') {
    const out = await open(file, 'a');
    await out.write('\n').finally(() => out.close());
  } else if (fix) {
    await truncate(file, fix.cutAt);
  }
}

/** Offset just after the last newline, scanning back a chunk at a time; 0 when there is none. */
async function lastLineStart(fh: Awaited<ReturnType<typeof open>>, size: number): Promise<number> {
  for (let end = size; end > 0; end -= CHUNK) {
    const start = Math.max(0, end - CHUNK);
    const buf = Buffer.alloc(end - start);
    await fh.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
  }
  return 0;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A save may come from anywhere (a friend, a hand edit): whatever reads it gets terminal-safe
 * text. The raw model reply is kept verbatim, as the record of what the model really sent;
 * it is only ever shown escaped (--verbose).
 */
function safeEvent(e: JournalEvent): JournalEvent {
  if (e.type === 'summary') return sanitizeDeep(e);
  return e.type === 'turn' ? { ...sanitizeDeep({ ...e, raw: null }), raw: e.raw } : e;
}

/** Parse a journal; the only tolerated damage is a torn last line. Never writes. */
export function parseJournal(text: string, file: string): ParsedJournal {
  const lines = text.split('\n');
  const unterminated = lines.pop() ?? '';
  const warnings: string[] = [];
  // A last line without its newline is kept when whole, else it is what a crash mid-write leaves.
  if (unterminated.trim() !== '') {
    if (isJson(unterminated)) lines.push(unterminated);
    else warnings.push(`${file}: ignored an incomplete last line (the game was interrupted while saving); the next turn replaces it`);
  }
  const first = lines[0];
  if (first === undefined || first.trim() === '') throw new UsageError(`${file}: the save is empty or has no complete header line`);
  const rawHeader = headerObject(parseLine(first, file, 1), file);
  const format = rawHeader.format;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new UsageError(`${file}:1: not a PromptQuest save header (no format version)`);
  }
  if (format > FORMAT_VERSION) {
    throw new UsageError(`${file}: saved by a newer PromptQuest (save format ${format}; this version reads formats up to ${FORMAT_VERSION}); upgrade PromptQuest to open it — the file was not changed`);
  }
  const raw: { value: unknown; n: number }[] = [];
  lines.slice(1).forEach((l, i) => {
    if (l.trim() !== '') raw.push({ value: parseLine(l, file, i + 2), n: i + 2 });
  });
  const migrated = migrate(rawHeader, raw.map((r) => r.value));
  if (headerObject(migrated.header, file).format !== FORMAT_VERSION) {
    throw new UsageError(`${file}: save format ${format} is too old for this PromptQuest (it reads formats 1 to ${FORMAT_VERSION})`);
  }
  const header = Header.safeParse(migrated.header);
  if (!header.success) {
    throw new UsageError(`${file}:1: not a valid PromptQuest save header (${issueText(header.error)})`);
  }
  const events = migrated.events.map((value, i) => {
    const e = JournalEvent.safeParse(value);
    if (!e.success) throw new UsageError(`${file}:${raw[i]?.n ?? '?'}: damaged save event (${issueText(e.error)}); nothing was changed`);
    return e.data;
  });
  return { header: sanitizeDeep(header.data), events: events.map(safeEvent), warnings, format, applied: migrated.applied };
}

function parseLine(line: string, file: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new UsageError(`${file}:${n}: damaged save line (not JSON); nothing was changed`);
  }
}

/** A parsed first line as an object, or one clear line naming the file and line 1. */
function headerObject(value: unknown, file: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new UsageError(`${file}:1: not a PromptQuest save header (expected a JSON object, got ${got}); nothing was changed`);
}

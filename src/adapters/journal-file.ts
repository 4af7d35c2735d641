/**
 * Reading a journal's text: the only tolerated damage is a torn last line (a warning);
 * anything else is refused as SaveDamaged naming the file and line, never shortened.
 */
import { checkJournal, FORMAT_VERSION, Header, issueText, JournalEvent } from '../core/journal.js';
import { SaveDamaged, SaveUnreadable } from '../core/errors.js';
import { sanitizeDeep } from '../core/sanitize.js';
import { migrate } from '../core/migrations.js';
import type { LoadedSave } from '../engine/ports.js';
import { isJson } from './save-io.js';

export interface ParsedJournal extends LoadedSave {
  /** The format the file was written in (older ones are migrated in memory). */
  format: number;
  /** Migrations applied in memory, oldest first. */
  applied: string[];
  /** The file line (1-based) of each event. */
  lines: number[];
}

/**
 * A save may come from anywhere (a friend, a hand edit): whatever reads it gets terminal-safe
 * text. The raw model reply is kept verbatim, as the record of what the model really sent;
 * it is only ever shown escaped (--verbose).
 */
function safeEvent(e: JournalEvent): JournalEvent {
  if (e.type === 'summary' || e.type === 'image') return sanitizeDeep(e);
  return e.type === 'turn' ? { ...sanitizeDeep({ ...e, raw: null }), raw: e.raw } : e;
}

/** The id the next turn of these events must have. */
export const nextIdOf = (events: readonly JournalEvent[]): number =>
  events.reduce((next, e) => (e.type === 'turn' ? Math.max(next, e.id + 1) : next), 0);

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
  if (first === undefined || first.trim() === '') throw new SaveDamaged(file, null, 'the save is empty or has no complete header line');
  const rawHeader = headerObject(parseLine(first, file, 1), file);
  const format = checkFormat(rawHeader.format, file);
  const raw: { value: unknown; n: number }[] = [];
  lines.slice(1).forEach((l, i) => {
    if (l.trim() !== '') raw.push({ value: parseLine(l, file, i + 2), n: i + 2 });
  });
  const migrated = migrate(rawHeader, raw.map((r) => r.value));
  if (headerObject(migrated.header, file).format !== FORMAT_VERSION) {
    throw new SaveUnreadable(file, `save format ${format} is too old for this PromptQuest (it reads formats 1 to ${FORMAT_VERSION})`);
  }
  const header = Header.safeParse(migrated.header);
  if (!header.success) throw new SaveDamaged(file, 1, `not a valid PromptQuest save header (${issueText(header.error)})`);
  const lineOf = (i: number) => raw[i]?.n ?? null;
  const events = migrated.events.map((value, i) => {
    const e = JournalEvent.safeParse(value);
    if (!e.success) throw new SaveDamaged(file, lineOf(i), `damaged save event (${issueText(e.error)}); nothing was changed`);
    return e.data;
  });
  const { damage, duplicates } = checkJournal(events);
  if (damage) throw new SaveDamaged(file, lineOf(damage.index), `damaged save: ${damage.problem}; nothing was changed`);
  const skipped = new Set(duplicates.map((d) => d.index));
  for (const d of duplicates) warnings.push(duplicateWarning(file, events[d.index], lineOf(d.index), lineOf(d.first)));
  const kept = (_: unknown, i: number) => !skipped.has(i);
  return {
    header: sanitizeDeep(header.data),
    events: events.filter(kept).map(safeEvent),
    warnings,
    format,
    applied: migrated.applied,
    lines: raw.map((r) => r.n).filter(kept),
  };
}

/**
 * Not refused: the save is whole, only two writers each added turns under the same ids. Which
 * copy the later lines were built on cannot be told from the file; the first one stands, so no
 * turn is ever replaced under the turns that follow it. The repeat stays in the file, unread.
 */
function duplicateWarning(file: string, e: JournalEvent | undefined, line: number | null, first: number | null): string {
  const id = e?.type === 'turn' ? e.id : '?';
  return `${file}:${line ?? '?'}: turn id ${id} was already saved on line ${first ?? '?'} (two PromptQuests wrote this save at once); ` +
    `line ${line ?? '?'} is skipped and kept in the file`;
}

function checkFormat(format: unknown, file: string): number {
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new SaveDamaged(file, 1, 'not a PromptQuest save header (no format version)');
  }
  if (format > FORMAT_VERSION) {
    throw new SaveUnreadable(file, `saved by a newer PromptQuest (save format ${format}; this version reads formats up to ${FORMAT_VERSION}); upgrade PromptQuest to open it — the file was not changed`);
  }
  return format;
}

export function parseLine(line: string, file: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new SaveDamaged(file, n, 'damaged save line (not JSON); nothing was changed');
  }
}

/** A parsed first line as an object, or one clear line naming the file and line 1. */
export function headerObject(value: unknown, file: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new SaveDamaged(file, 1, `not a PromptQuest save header (expected a JSON object, got ${got}); nothing was changed`);
}

/** Finding saved games (the user's, then the bundled samples) and laying them out in text. */
import { UsageError } from '../core/errors.js';
import { checkSlot } from '../core/slot.js';
import { sanitizeText } from '../core/sanitize.js';
import { FileSaveStore } from '../adapters/file-store.js';
import { homeDir, SAMPLE_SAVES_DIR, savesDir } from '../adapters/paths.js';
import { displayWidth } from '../adapters/ui/width.js';
import { loadPack } from '../adapters/pack-loader.js';
import { interfaceLanguage, messages, type Messages } from '../core/messages/index.js';
import type { Header } from '../core/journal.js';
import type { Manifest } from '../core/pack.js';
import { io } from './io.js';

export const userStore = (): FileSaveStore => new FileSaveStore(savesDir(homeDir(io().env)));
export const sampleStore = (): FileSaveStore => new FileSaveStore(SAMPLE_SAVES_DIR);

/** A new slot must not take a bundled sample's name: it would hide the sample from replay and continue. */
export async function checkNewSlot(env: { store: FileSaveStore }, slot: string, hint: string): Promise<void> {
  if (await env.store.exists(slot)) throw new UsageError(`slot "${slot}" already exists; ${hint}`);
  if (await sampleStore().exists(slot)) throw new UsageError(`"${slot}" is the name of a bundled sample game; choose another slot name`);
}

export interface FoundSave {
  store: FileSaveStore;
  slot: string;
  /** A bundled sample: read-only. */
  sample: boolean;
}

/** The user's save of that name, else a bundled sample. A bad name or no such save: exit 2. */
export async function findSave(slotArg: string): Promise<FoundSave> {
  const slot = checkSlot(slotArg);
  const user = userStore();
  if (await user.exists(slot)) return { store: user, slot, sample: false };
  const samples = sampleStore();
  if (await samples.exists(slot)) return { store: samples, slot, sample: true };
  throw new UsageError(`no saved game "${slot}" in ${user.dir} (see: promptquest saves list)`);
}

/** Local "YYYY-MM-DD HH:MM" for an ISO time; the input unchanged if it is not one. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return sanitizeText(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Untrusted text on one line, at most `width` columns (wide characters count two). */
export function clip(text: string, width: number): string {
  const flat = sanitizeText(text).replace(/\s+/g, ' ').trim();
  if (displayWidth(flat) <= width) return flat;
  let out = '';
  for (const ch of flat) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}


/** Terminal width for laying out lines (the window's, however narrow; at least 20); a pipe gets a generous fixed width. */
export const lineWidth = (): number => Math.max(20, io().stdout.isTTY ? (io().stdout.columns ?? 100) : 120);

/** The manifest of the pack a save was played with, when that pack is still around (a save never needs it: it holds the story). */
export function savedManifest(header: Header): Manifest | null {
  try {
    return loadPack(header.pack.dir ?? header.pack.id, homeDir(io().env)).manifest;
  } catch {
    return null;
  }
}

/** The language of the pack a save was played with, when that pack is still around. */
export const packLanguageOf = (header: Header): string | undefined => savedManifest(header)?.language;

/**
 * The words of a command outside a game: `config set language` first, then the language of the
 * save's pack (when the command is about one save), then LANG. A config file that cannot be
 * read does not stop `saves`: its words are English then, or LANG's.
 */
export async function commandWords(header: Header | null = null): Promise<Messages> {
  let configured: string | undefined;
  try {
    const { readConfigFile, readConfigValues } = await import('../adapters/config.js');
    configured = readConfigValues(readConfigFile(io().env)).values.language;
  } catch {
    configured = undefined;
  }
  return messages(interfaceLanguage({ configured, pack: header ? packLanguageOf(header) : undefined, env: io().env }));
}

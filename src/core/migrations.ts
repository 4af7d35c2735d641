/**
 * Older save formats are brought up to date through an ordered list of
 * migrations, each taking format N to N+1. Pure: the store decides whether to
 * write the result back (and keeps a backup first).
 */
import { FORMAT_VERSION } from './journal.js';

type Json = Record<string, unknown>;

export interface Migration {
  from: number;
  describe: string;
  up(header: Json, events: unknown[]): { header: Json; events: unknown[] };
}

/** "…/prompts/<id>": where every PromptQuest install keeps its bundled packs. */
function isBundledPackDir(dir: string, id: string): boolean {
  const parts = dir.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) === id && parts.at(-2) === 'prompts';
}

export const MIGRATIONS: Migration[] = [
  {
    // Format 1 wrote the absolute install path of bundled packs, so `continue` broke
    // when the package moved (another Node version under nvm, a reinstall, a moved
    // clone) and a shared save told everyone the recorder's folders. Format 2 finds
    // bundled packs by id. Early format-1 writers could also omit `forked_from`.
    from: 1,
    describe: 'bundled packs recorded by id instead of install path; forked_from always present',
    up(header, events) {
      const pack = { ...(header.pack as Json) };
      if (typeof pack.dir === 'string' && typeof pack.id === 'string' && isBundledPackDir(pack.dir, pack.id)) pack.dir = null;
      return { header: { ...header, pack, forked_from: header.forked_from ?? null }, events };
    },
  },
  {
    // Format 3 adds `summary` events (the rolling memory of long games). A format-2 save has
    // none and needs no change; the step exists so a format-2 PromptQuest refuses format 3
    // by its version instead of calling a summary line damage.
    from: 2,
    describe: 'summary events may follow turns (nothing to change)',
    up: (header, events) => ({ header, events }),
  },
  {
    // Format 4 adds `image` events (generated pictures saved beside the journal); same reason.
    from: 3,
    describe: 'image events may follow turns (nothing to change)',
    up: (header, events) => ({ header, events }),
  },
];

export interface Migrated {
  header: unknown;
  events: unknown[];
  /** What was done, oldest first; empty when the save was already current. */
  applied: string[];
}

/** Bring a parsed header and its events to FORMAT_VERSION, as far as the list allows. */
export function migrate(rawHeader: unknown, events: unknown[]): Migrated {
  let header = rawHeader as Json;
  const applied: string[] = [];
  for (let format = Number(header.format); format < FORMAT_VERSION; format++) {
    const m = MIGRATIONS.find((x) => x.from === format);
    if (!m) break;
    ({ header, events } = m.up(header, events));
    header = { ...header, format: format + 1 };
    applied.push(m.describe);
  }
  return { header, events, applied };
}

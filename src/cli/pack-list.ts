/** `promptquest pack list`: bundled packs and the user's own (PROMPTQUEST_HOME/packs). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { safeJson, sanitizeText } from '../core/sanitize.js';
import { formatProblem, inspectPack } from '../adapters/pack-loader.js';
import { BUNDLED_PACKS_DIR, homeDir } from '../adapters/paths.js';
import { displayWidth, padEnd } from '../adapters/ui/width.js';
import { io } from './io.js';

export interface PackRow {
  /** What `play` takes: the folder name. */
  id: string;
  title: string;
  language: string;
  version: string;
  source: 'bundled' | 'user';
  dir: string;
  /** The first error of an invalid pack, or a note (shadowed, id differs from the folder). */
  problem: string | null;
  valid: boolean;
}

function folders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => !name.startsWith('.') && statSync(join(root, name)).isDirectory())
    .sort();
}

function row(dir: string, name: string, source: PackRow['source']): PackRow {
  const report = inspectPack(dir);
  const error = report.problems.find((p) => !p.warning);
  const m = report.pack?.manifest;
  if (!m || error) {
    const problem = error ? formatProblem(error) : 'invalid pack';
    return { id: name, title: '—', language: '—', version: '—', source, dir, problem, valid: false };
  }
  const note = m.id !== name ? `manifest id is "${m.id}"; play it as "${name}"` : null;
  return { id: name, title: m.title, language: m.language, version: m.version, source, dir, problem: note, valid: true };
}

export function listPacks(home: string): PackRow[] {
  const bundled = folders(BUNDLED_PACKS_DIR).map((n) => row(join(BUNDLED_PACKS_DIR, n), n, 'bundled'));
  const userRoot = join(home, 'packs');
  const user = folders(userRoot).map((n) => {
    const r = row(join(userRoot, n), n, 'user');
    // `play <id>` looks in the bundled packs first.
    if (bundled.some((b) => b.id === n)) return { ...r, problem: `hidden by the bundled pack "${n}"; play it by folder path: ${r.dir}` };
    return r;
  });
  return [...bundled, ...user];
}


export function formatTable(rows: PackRow[]): string {
  const head = ['ID', 'TITLE', 'LANG', 'VERSION', 'SOURCE'];
  const cells = rows.map((r) => [r.id, r.title, r.language, r.version, r.source].map(sanitizeText));
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...cells.map((c) => displayWidth(c[i] ?? ''))));
  const line = (c: string[]) => c.map((text, i) => padEnd(text, widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(head)];
  rows.forEach((r, i) => {
    out.push(line(cells[i] ?? []));
    if (r.problem) out.push(`    ${r.valid ? 'note' : 'invalid'}: ${sanitizeText(r.problem)}`);
  });
  return out.join('\n');
}

/** The table (or, with --json, one object per pack), and where the user's own packs go. */
export function printPacks(opts: { json?: boolean | undefined }): number {
  const home = homeDir(io().env);
  const rows = listPacks(home);
  if (opts.json) {
    for (const r of rows) io().stdout.write(`${safeJson({ type: 'pack', ...r })}\n`);
  } else {
    io().stdout.write(`${formatTable(rows)}\n`);
    io().stdout.write(`\nYour packs go in ${join(home, 'packs')}/<id>; play one with: promptquest play <id>\n`);
  }
  return 0;
}

/**
 * Issue 10, part 9: a pack says which pack format it is written in. No `format` reads as the
 * current one; a newer one is refused by its version (both named), not as typos in its new keys.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { MIN_PACK_FORMAT, PACK_FORMAT, packFormatProblem } from '../../src/core/pack-format.js';
import { formatProblem, inspectPack, loadPack } from '../../src/adapters/pack-loader.js';
import { BUNDLED_PACKS_DIR, SAMPLE_SAVES_DIR } from '../../src/adapters/paths.js';
import { scaffoldFiles } from '../../src/cli/pack-scaffold.js';

const ROOT = mkdtempSync(join(tmpdir(), 'pq-pack-format-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const ANSWERS = { id: 'garden', title: 'The Clockwork Garden', language: 'en', author: 'Tester' };

/** The `pack new` scaffold on disk, its manifest changed by `edit`. */
function scaffold(edit: (manifest: string) => string = (m) => m): string {
  const dir = mkdtempSync(join(ROOT, 'pack-'));
  const files = scaffoldFiles(ANSWERS);
  files['pack.yaml'] = edit(files['pack.yaml']!);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

describe('the pack format version', () => {
  it('is 1, and 1 is also the oldest this version reads', () => {
    expect(PACK_FORMAT).toBe(1);
    expect(MIN_PACK_FORMAT).toBe(1);
  });

  it('packFormatProblem: absent or current is fine; newer, zero and non-numbers are named', () => {
    expect(packFormatProblem({ id: 'x' })).toBeNull();
    expect(packFormatProblem({ format: 1 })).toBeNull();
    expect(packFormatProblem(null)).toBeNull();
    expect(packFormatProblem({ format: 2 })).toBe('written for a newer PromptQuest (pack format 2; this version reads pack format 1); upgrade PromptQuest to use this pack');
    for (const bad of [0, -1, 1.5, '1', null, 2 ** 60]) {
      expect(packFormatProblem({ format: bad })).toBe('expected a whole number from 1 (the pack format version; this version reads pack format 1)');
    }
  });

  it('pack new writes the current format, and so do the bundled packs', () => {
    const manifest = scaffoldFiles(ANSWERS)['pack.yaml']!;
    expect(manifest).toMatch(new RegExp(`^format: ${PACK_FORMAT}$`, 'm'));
    expect(inspectPack(scaffold()).pack?.manifest.format).toBe(PACK_FORMAT);
    for (const id of ['lighthouse', 'ruins']) {
      expect(readFileSync(join(BUNDLED_PACKS_DIR, id, 'pack.yaml'), 'utf8')).toMatch(/^format: 1$/m);
      expect(loadPack(id, ROOT).manifest.format).toBe(1);
    }
  });

  it('the bundled sample saves name the bundled packs as they are now (no "pack has changed" note)', () => {
    for (const id of ['lighthouse', 'ruins']) {
      const header = JSON.parse(readFileSync(join(SAMPLE_SAVES_DIR, `${id}-sample.jsonl`), 'utf8').split('\n')[0]!) as { pack: { hash: string } };
      expect(header.pack.hash, `saves/${id}-sample.jsonl`).toBe(loadPack(id, ROOT).hash);
    }
  });

  it('a manifest without format is read as format 1', () => {
    const dir = scaffold((m) => m.replace(/^format: .*\n/m, ''));
    const report = inspectPack(dir);
    expect(report.problems.filter((p) => !p.warning)).toEqual([]);
    expect(report.pack?.manifest.format).toBe(1);
  });

  it('a newer pack is refused by its version, naming both, and its new keys are not called typos', () => {
    let manifest = '';
    const dir = scaffold((m) => (manifest = m.replace(/^format: .*$/m, 'format: 2').replace(/^author:/m, 'portraits: portraits.yaml\nauthor:')));
    const { pack, problems } = inspectPack(dir);
    expect(pack).toBeNull();
    expect(problems.map((p) => formatProblem({ ...p, file: 'pack.yaml' }))).toEqual([
      `pack.yaml:${lineOf(manifest, 'format:')}: format: written for a newer PromptQuest (pack format 2; this version reads pack format 1); upgrade PromptQuest to use this pack`,
    ]);
    // Loading it (play, continue, pack test) is a usage error: exit 2, one line.
    const err = (() => {
      try {
        return loadPack(dir, ROOT);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(/format: written for a newer PromptQuest \(pack format 2; this version reads pack format 1\)/);
    expect((err as UsageError).details).toEqual([]);
  });

  it('a format that is not a version is one problem on its line', () => {
    let manifest = '';
    const dir = scaffold((m) => (manifest = m.replace(/^format: .*$/m, 'format: "one"')));
    const lines = inspectPack(dir).problems.map((p) => formatProblem({ ...p, file: 'pack.yaml' }));
    expect(lines).toEqual([`pack.yaml:${lineOf(manifest, 'format:')}: format: expected a whole number from 1 (the pack format version; this version reads pack format 1)`]);
  });
});

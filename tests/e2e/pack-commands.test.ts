/**
 * The `pack` commands through the CLI (in-process): broken packs each exit 2 naming the file
 * (and line and key), the bundled packs validate and pass their own tests, a fresh
 * `pack new --yes` scaffold validates, previews, passes its tests and plays offline
 * to an ending, and a failing expectation makes `pack test` exit 1.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvents, tempHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import { scaffoldFiles } from '../../src/cli/pack-scaffold.js';

let root = '';
beforeAll(() => {
  root = tempHome('pq-packs-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ANSWERS = { id: 'garden', title: 'The Clockwork Garden', language: 'en', author: 'Tester' };

/** A scaffold pack written straight to disk (faster than spawning `pack new` for each case). */
function writePack(dir: string, change: (files: Record<string, string>) => void = () => undefined): string {
  const files = scaffoldFiles(ANSWERS);
  change(files);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function edit(files: Record<string, string>, name: string, from: string | RegExp, to: string): void {
  const before = files[name] ?? '';
  const after = before.replace(from, to);
  if (after === before) throw new Error(`test setup: "${String(from)}" not found in ${name}`);
  files[name] = after;
}

function expectClean(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('unexpected error');
}

interface Broken {
  name: string;
  make: (dir: string) => void;
  /** What stderr must say: file, line and key where the format allows. */
  says: RegExp;
}

const BROKEN: Broken[] = [
  { name: 'bad YAML', make: (d) => writePack(d, (f) => edit(f, 'pack.yaml', /^title: .*$/m, 'title: [unclosed')), says: /pack\.yaml:\d+: invalid YAML/ },
  {
    name: 'bad JSON',
    make: (d) => {
      writePack(d, (f) => delete f['pack.yaml']);
      writeFileSync(join(d, 'pack.json'), '{\n  "id": "garden",\n  "title": "T",\n  "version": "1",\n}\n');
    },
    says: /pack\.json:5: invalid JSON/,
  },
  { name: 'wrong types', make: (d) => writePack(d, (f) => edit(f, 'pack.yaml', 'version: "0.1.0"', 'version: 3')), says: /pack\.yaml:4: version: expected string, received number/ },
  { name: 'unknown key (typo)', make: (d) => writePack(d, (f) => edit(f, 'pack.yaml', /^title:/m, 'titel:')), says: /pack\.yaml:3: titel: unknown key/ },
  { name: 'missing system file', make: (d) => writePack(d, (f) => delete f['system.md']), says: /pack\.yaml:\d+: system: file "system\.md" does not exist/ },
  {
    name: 'lore path escaping the pack folder',
    make: (d) => {
      writePack(d, (f) => edit(f, 'pack.yaml', 'lore: lore.yaml', 'lore: ../x.yaml'));
      writeFileSync(join(d, '..', 'x.yaml'), '[]\n');
    },
    says: /pack\.yaml:\d+: lore: "\.\.\/x\.yaml" is outside the pack folder/,
  },
  { name: 'goto to a missing scene', make: (d) => writePack(d, (f) => edit(f, 'script.yaml', 'goto: garden', 'goto: gardn')), says: /script\.yaml:\d+: scenes\.gate\.choices\.0\.goto: scene "gardn" does not exist/ },
  {
    name: 'unreachable ending',
    make: (d) => writePack(d, (f) => edit(f, 'script.yaml', /goto: lose_smash/g, 'goto: garden')),
    says: /script\.yaml:\d+: scenes\.lose_smash: ending "lose_smash" cannot be reached/,
  },
];

describe('pack validate: broken packs', () => {
  it('each is an error naming the file, line and key; exit 2 (one run validates them all)', async () => {
    const dirs = BROKEN.map((b, i) => {
      const dir = join(root, `broken-${i}`, 'pack');
      b.make(dir);
      return dir;
    });
    const good = writePack(join(root, 'good'));
    const r = await runMain(['pack', 'validate', ...dirs, good], { home: root });
    expectClean(r);
    expect(r.code).toBe(2);
    BROKEN.forEach((b, i) => {
      expect(r.stderr, b.name).toMatch(b.says);
      expect(r.stderr, b.name).toContain(`: the pack in ${dirs[i]} is not valid`);
    });
    // Exactly the broken ones fail; the good pack beside them passes.
    expect(r.stderr.match(/is not valid$/gm)).toHaveLength(BROKEN.length);
    expect(r.stdout).toMatch(/^OK: garden 0\.1\.0: 5 scenes, 2 endings, 1 riddle, 5 tests$/m);
  });

  it('alone it exits 2 too, with nothing on stdout; play refuses it the same way', async () => {
    const dir = join(root, 'broken-play');
    writePack(dir, (f) => edit(f, 'pack.yaml', /^title:/m, 'titel:'));
    const [alone, r] = await Promise.all([
      runMain(['pack', 'validate', dir], { home: root }),
      runMain(['play', dir, '--provider', 'offline'], { home: root, input: ['1'] }),
    ]);
    expectClean(alone);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe('');
    expect(alone.stderr).toMatch(/pack\.yaml:3: titel: unknown key \(a typo\?\)\n2 errors: the pack in .* is not valid\n$/);
    expectClean(r);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^promptquest: invalid pack "[^"]+": .*pack\.yaml:2: title: missing: expected string$/m);
    expect(r.stderr).toMatch(/^ {2}.*pack\.yaml:3: titel: unknown key \(a typo\?\)$/m);
  });
});

describe('bundled packs', () => {
  it('validate and pass their own pack test', async () => {
    const [valid, tl, tr] = await Promise.all([
      runMain(['pack', 'validate', 'prompts/lighthouse', 'ruins'], { home: root }),
      runMain(['pack', 'test', 'prompts/lighthouse'], { home: root }),
      runMain(['pack', 'test', 'ruins'], { home: root }),
    ]);
    for (const r of [valid, tl, tr]) {
      expectClean(r!);
      expect(r!.code).toBe(0);
      expect(r!.stderr).toBe('');
    }
    expect(valid!.stdout).toMatch(/^OK: lighthouse 1\.0\.0: \d+ scenes, \d+ endings, 2 riddles, 20 tests$/m);
    expect(valid!.stdout).toMatch(/^OK: ruins 1\.0\.0: \d+ scenes, \d+ endings, 3 riddles, 42 tests$/m);
    expect(tl!.stdout).toContain('20 passed, 0 failed');
    expect(tr!.stdout).toContain('42 passed, 0 failed');
    expect(tl!.stdout.match(/^✓ /gm)).toHaveLength(20);
  });
});

describe('pack new --yes', () => {
  it('writes a scaffold that validates, previews, passes pack test and plays offline to an ending', async () => {
    const dir = join(root, 'fresh');
    const made = await runMain(['pack', 'new', dir, '--yes'], { home: root });
    expectClean(made);
    expect(made.code).toBe(0);
    for (const f of ['pack.yaml', 'system.md', 'examples.yaml', 'lore.yaml', 'script.yaml', 'tests.yaml']) expect(existsSync(join(dir, f)), f).toBe(true);

    const [valid, preview, tested, played] = await Promise.all([
      runMain(['pack', 'validate', dir], { home: root }),
      runMain(['pack', 'preview', dir], { home: root }),
      runMain(['pack', 'test', dir], { home: root }),
      runMain(['play', dir, '--provider', 'offline', '--json'], { home: root, input: ['1', '1', 'mountain', '1'] }),
    ]);
    for (const r of [valid, preview, tested, played]) {
      expectClean(r!);
      expect(r!.code).toBe(0);
    }
    expect(valid!.stdout).toMatch(/^OK: fresh 0\.1\.0: 5 scenes, 2 endings, 1 riddle, 5 tests$/m);
    expect(valid!.stderr).toBe('');

    expect(preview!.stdout).toContain('──── system ────');
    expect(preview!.stdout).toContain('You are the narrator of "Fresh"');
    expect(preview!.stdout).toContain('few-shot example 1');
    expect(preview!.stdout).toContain('## Engine directive');
    expect(preview!.stdout).toContain('"additionalProperties": false');
    expect(preview!.stdout).toMatch(/about \d+ tokens \(script-aware estimate/);
    expect(preview!.stdout).toMatch(/Lore: included gardener/);
    expect(preview!.stdout.toLowerCase()).not.toContain('mountain');

    expect(tested!.stdout).toContain('5 passed, 0 failed (5 tests, offline narrator)');

    const turns = jsonEvents(played!.stdout).filter((e) => e.type === 'turn');
    expect(turns).toHaveLength(5);
    expect(turns.at(-1)?.game_over).toEqual({ outcome: 'win', reason: 'The garden ticks again.' });
  });

  it('refuses a folder that is not empty (exit 2, nothing touched)', async () => {
    const dir = join(root, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await runMain(['pack', 'new', dir, '--yes'], { home: root });
    expectClean(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/occupied is not empty/);
    expect(existsSync(join(dir, 'pack.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('pack test', () => {
  it('exits 1 and says why when an expectation fails', async () => {
    const dir = writePack(join(root, 'failing'), (f) => {
      f['tests.yaml'] += '\n- name: expects a win from a wrong answer\n  inputs: ["1", "a tree"]\n  expect:\n    outcome: win\n    flags: { riddle_solved: true }\n';
    });
    const r = await runMain(['pack', 'test', dir], { home: root });
    expectClean(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ expects a win from a wrong answer: expected outcome "win", but the game is still playing in scene "garden"; flag "riddle_solved" is false, expected true$/m);
    expect(r.stdout).toContain('5 passed, 1 failed (6 tests, offline narrator)');
  });

  it('--provider openai plays the same playthroughs with a model; the rails keep the expectations', async () => {
    const server = await startOpenAIServer();
    try {
      const dir = writePack(join(root, 'model-run'));
      const model = ['--base-url', server.baseURL, '--model', 'fake-model'];
      const [r, preview] = await Promise.all([
        runMain(['pack', 'test', dir, '--provider', 'openai', ...model], { home: root }),
        runMain(['pack', 'preview', dir, '--json', ...model], { home: root }),
      ]);
      expectClean(r);
      expect(r.stdout).toContain(`5 passed, 0 failed (5 tests, model fake-model at ${server.baseURL})`);
      expect(r.code).toBe(0);
      // One request per input played after the authored opening: 4 + 4 + 2 + 4 + 3.
      const chats = server.requests.filter((q) => q.path === '/v1/chat/completions');
      expect(chats).toHaveLength(17);

      // The preview is the request the game really sends for the first input ("1" of the first test).
      expect(preview.code).toBe(0);
      const shown = (JSON.parse(preview.stdout) as { request: unknown }).request;
      expect(shown).toEqual(chats[0]?.body);
    } finally {
      await server.close();
    }
  });
});

describe('pack list and user packs', () => {
  it('lists bundled and user packs (invalid ones with their first problem), and plays a user pack by id', async () => {
    const home = join(root, 'home');
    writePack(join(home, 'packs', 'garden'));
    writePack(join(home, 'packs', 'broken'), (f) => edit(f, 'pack.yaml', /^title:/m, 'titel:'));
    const [list, played] = await Promise.all([
      runMain(['pack', 'list'], { home }),
      runMain(['play', 'garden', '--provider', 'offline'], { home, input: ['1'] }),
    ]);
    expectClean(list);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^lighthouse\s+Last Light on Gullscar\s+en\s+1\.0\.0\s+bundled$/m);
    expect(list.stdout).toMatch(/^ruins\s+雾谷遗迹\s+zh-CN\s+1\.0\.0\s+bundled$/m);
    expect(list.stdout).toMatch(/^garden\s+The Clockwork Garden\s+en\s+0\.1\.0\s+user$/m);
    expect(list.stdout).toMatch(/^broken\s+—.*user$/m);
    expect(list.stdout).toMatch(/invalid: .*pack\.yaml:2: title: missing/);

    expectClean(played);
    expect(played.code).toBe(0);
    expect(played.stdout).toContain('Brass flowers turn their faces toward you');
  });
});

/**
 * Pack authoring without spawning the CLI: the checks beyond the schema (secrets, names,
 * tests), judging a playthrough's expectations, the loader's messages for broken files,
 * the scaffold `pack new` writes, and model-proposed flags checked against the state model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Manifest, Script, type PackTest } from '../../src/core/pack.js';
import { checkNames, checkSecrets, checkTests } from '../../src/core/pack-check.js';
import { unmetExpectations, type Playthrough } from '../../src/core/pack-expect.js';
import { applyProposal } from '../../src/core/reducer.js';
import { NO_CHANGES } from '../../src/core/reply.js';
import { initialState } from '../../src/core/state.js';
import { formatProblem, inspectPack } from '../../src/adapters/pack-loader.js';
import { scaffoldFiles } from '../../src/cli/pack-scaffold.js';
import { idFromFolder } from '../../src/cli/pack-new.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function packDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pq-unit-pack-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const manifest = Manifest.parse({ id: 't', title: 'T', version: '1', language: 'en', state: { flags: { door: false }, inventory: ['lamp'] } });

const riddleScene = (extra: Record<string, unknown> = {}, riddle: Record<string, unknown> = {}) =>
  Script.parse({
    start: 'a',
    scenes: {
      a: {
        text: 'A door.',
        choices: [{ text: 'Knock', say: 'Nothing.' }, { text: 'Leave', goto: 'end' }],
        riddle: { question: 'What am I?', answers: ['wind'], success: { goto: 'end' }, failure: { say: 'No.' }, ...riddle },
        ...extra,
      },
      end: { text: 'The end.', ending: { outcome: 'end', reason: 'over' } },
    },
  });

describe('checkSecrets', () => {
  it('passes a riddle whose answer is only in the answers list', () => {
    expect(checkSecrets(riddleScene())).toEqual([]);
  });

  it('warns when text sent while the riddle is open holds the answer', () => {
    const problems = checkSecrets(riddleScene({ fallback: 'The wind howls.' }, { question: 'Is it the wind?', failure: { say: 'Not wind, no.' } }));
    expect(problems.map((p) => p.path.join('.'))).toEqual(['scenes.a.riddle.question', 'scenes.a.riddle.failure.say', 'scenes.a.fallback']);
    expect(problems.every((p) => p.warning)).toBe(true);
  });

  it('warns when an intent keyword or a choice text would take the answer first', () => {
    const script = riddleScene({
      intents: [{ keywords: ['Wind!'], goto: 'end' }],
      choices: [{ text: 'Wind' }, { text: 'Leave', goto: 'end' }],
    });
    const messages = checkSecrets(script).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(messages).toEqual([
      'scenes.a.intents.0.keywords: keyword "Wind!" is a riddle answer: the intent takes it first, so the riddle never hears it',
      'scenes.a.choices.0.text: this choice text is a riddle answer: typing it picks the choice, and the model sees it',
    ]);
  });

  it('warns about numeric answers (a number picks a choice) and attempts without give_up', () => {
    const messages = checkSecrets(riddleScene({}, { answers: ['3', 'three'], attempts: 2 })).map((p) => p.message);
    expect(messages).toEqual(['"3" can never be given: a number picks a choice', '`attempts` and `give_up` work together: give both, or neither']);
  });
});

describe('checkNames and checkTests', () => {
  it('warns about flags and items nothing declares or gives', () => {
    const script = riddleScene({ choices: [{ text: 'Open', if: { flags: { dor: true }, has: ['key'] } }, { text: 'Leave', goto: 'end', if: { has: ['lamp'] } }] });
    expect(checkNames(script, manifest).map((p) => p.message)).toEqual([
      'flag "dor" is never declared (pack.yaml state.flags) nor set by any effect',
      'item "key" is never held at the start nor added by any effect',
    ]);
  });

  it('tests must name scenes and outcomes the script has', () => {
    const tests: PackTest[] = [
      { name: 'ok', inputs: [], expect: { scene: 'end', outcome: 'end', flags: { door: true }, inventory_has: ['lamp'] } },
      { name: 'bad', inputs: [], expect: { scene: 'nowhere', outcome: 'win', flags: { nope: true }, inventory_lacks: ['ghost'] } },
    ];
    const problems = checkTests(tests, riddleScene(), manifest).map((p) => `${p.path.join('.')}: ${p.message}${p.warning ? ' (warning)' : ''}`);
    expect(problems).toEqual([
      '1.expect.scene: scene "nowhere" does not exist in the script',
      '1.expect.outcome: no ending of the script has outcome "win"',
      '1.expect.flags.nope: flag "nope" is never declared nor set by the script (warning)',
      '1.expect: item "ghost" is never held at the start nor added by the script (warning)',
    ]);
    expect(checkTests(tests, null, manifest).map((p) => p.message)).toEqual([expect.stringMatching(/this pack has no script/)]);
  });
});

describe('unmetExpectations', () => {
  const state = { ...initialState(manifest, {}, 'end'), inventory: ['lamp'], flags: { door: true } };
  const played: Playthrough = { state, gameOver: { outcome: 'win', reason: 'r' }, narrations: ['The door\nopens, slowly!'], unplayed: 0 };

  it('is empty when everything holds (says ignores case, punctuation and line breaks)', () => {
    expect(unmetExpectations({ outcome: 'win', scene: 'end', inventory_has: ['lamp'], inventory_lacks: ['key'], flags: { door: true, other: false }, says: 'door opens slowly' }, played)).toEqual([]);
  });

  it('names every failed expectation', () => {
    const still: Playthrough = { ...played, gameOver: null, unplayed: 2 };
    expect(unmetExpectations({ outcome: 'lose', scene: 'a', inventory_has: ['key'], inventory_lacks: ['lamp'], flags: { door: false }, says: 'thunder' }, still)).toEqual([
      'expected outcome "lose", but the game is still playing in scene "end"',
      'expected scene "a", but the game is still playing in scene "end"',
      'inventory lacks "key" (holds "lamp")',
      'inventory still holds "lamp"',
      'flag "door" is true, expected false',
      'no narration says "thunder"',
      'the game ended with 2 input(s) still unplayed',
    ]);
  });
});

describe('pack loader messages', () => {
  const base = { 'system.md': 'You narrate {{pack.title}}.\n' };

  it('reads .json with a JSON parser: a trailing comma is an error with its line', () => {
    const dir = packDir({ ...base, 'pack.json': '{\n  "id": "t",\n  "title": "T",\n}\n' });
    const { pack, problems } = inspectPack(dir);
    expect(pack).toBeNull();
    expect(problems.map((p) => [p.line, p.message])).toEqual([[4, 'invalid JSON: Expected double-quoted property name']]);
  });

  it('says what is expected, with line and key, for missing keys and wrong types', () => {
    const dir = packDir({ ...base, 'pack.yaml': 'id: t\nversion: 2\nlanguage: en\n' });
    const lines = inspectPack(dir).problems.map((p) => formatProblem({ ...p, file: 'pack.yaml' }));
    expect(lines).toEqual(['pack.yaml:1: title: missing: expected string', 'pack.yaml:2: version: expected string, received number']);
  });

  it('a pack loaded again reads its files again: an edit is seen, the same text in another pack names that pack\'s file, and a loaded pack can be changed freely', () => {
    const yaml = 'id: t\ntitle: First\nversion: "1"\nlanguage: en\n';
    const dir = packDir({ ...base, 'pack.yaml': yaml });
    const first = inspectPack(dir).pack;
    expect(first?.manifest.title).toBe('First');
    first!.manifest.title = 'Changed by a caller';
    expect(inspectPack(dir).pack?.manifest.title).toBe('First');
    writeFileSync(join(dir, 'pack.yaml'), yaml.replace('First', 'Second'));
    expect(inspectPack(dir).pack?.manifest.title).toBe('Second');
    // Same text, wrong for the schema, in two folders: each problem names its own file.
    const bad = 'id: t\nversion: 2\nlanguage: en\n';
    const [a, b] = [packDir({ ...base, 'pack.yaml': bad }), packDir({ ...base, 'pack.yaml': bad })];
    for (const d of [a, b, a]) expect(inspectPack(d).problems.map((p) => p.file)).toEqual([expect.stringContaining(join(d, 'pack.yaml').slice(1))].concat(expect.anything()));
  });
});

describe('pack loader refuses hostile files with a problem, not a crash', () => {
  it('an alias bomb ("billion laughs") and a folder named as a file', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const files = scaffoldFiles({ id: 'h', title: 'H', language: 'en', author: 'a' });
    const dir = packDir({ ...files, 'lore.yaml': bomb, 'pack.yaml': files['pack.yaml']!.replace('system: system.md', 'system: .') });
    const messages = inspectPack(dir).problems.map((p) => `${p.key}: ${p.message}`);
    expect(messages).toEqual(['system: "." is not a file', ': invalid YAML: Excessive alias count indicates a resource exhaustion attack']);
  });
});

describe('pack new scaffold', () => {
  it('loads with no problem at all, whatever the title holds', () => {
    const dir = packDir(scaffoldFiles({ id: 'odd', title: 'A: "quoted" #title', language: 'zh-CN', author: "O'Brien: the 2nd" }));
    const { pack, problems, tests } = inspectPack(dir);
    expect(problems).toEqual([]);
    expect(pack?.manifest).toMatchObject({ id: 'odd', title: 'A: "quoted" #title', language: 'zh-CN', author: "O'Brien: the 2nd" });
    expect(tests).toHaveLength(5);
  });

  it('derives an id from the folder name', () => {
    expect(idFromFolder('/tmp/My Pack!')).toBe('my-pack');
    expect(idFromFolder('stories/Ruins_2')).toBe('ruins_2');
    expect(idFromFolder('/tmp/???')).toBe('my-pack');
  });
});

describe('model-proposed flags', () => {
  it('are checked against the state model: an unknown flag is refused with a note', () => {
    const state = initialState(manifest, {}, null);
    const { state: next, notes } = applyProposal(state, { ...NO_CHANGES, flags: [{ name: 'door', value: true }, { name: 'invented', value: true }] }, manifest.state);
    expect(next.flags).toEqual({ door: true });
    expect(notes).toEqual(['unknown flag "invented" ignored']);
  });
});

describe('checkLeaks: scene ids', () => {
  it('warns when a scene id holds an answer: a long game\'s summary names the places visited by their ids', async () => {
    const { checkLeaks } = await import('../../src/core/pack-leaks.js');
    const base = { manifest, systemTemplate: 'You narrate.', examples: [], lore: [] };
    const script = riddleScene();
    expect(checkLeaks({ ...base, script })).toEqual([]);
    const renamed = Script.parse({ ...script, start: 'wind_gate', scenes: { wind_gate: script.scenes.a, end: script.scenes.end } });
    const problems = checkLeaks({ ...base, script: renamed });
    expect(problems.map((p) => p.path)).toEqual([['scenes', 'wind_gate']]);
    expect(problems[0]?.message).toMatch(/holds the riddle answer "wind"/);
  });
});

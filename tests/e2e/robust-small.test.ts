/**
 * Issue 10, parts 9 and 10, through the CLI (in process): each bad input is one line on stderr with
 * exit 2 (a seed past 2^53, an empty model name, a config file that is not an object, a pack
 * of a newer format), and a plain `continue` after a fork resumes the fork.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { scaffoldFiles } from '../../src/cli/pack-scaffold.js';

/** Exit 2 and exactly one line on stderr, no stack trace. */
function refusedInOneLine(r: CliResult): string {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at |unexpected error/m);
  return lines[0]!;
}

describe('bad values are refused in one line, exit 2', () => {
  it('--seed beyond a safe integer', async () => {
    const line = refusedInOneLine(await runMain(['play', 'lighthouse', '--provider', 'offline', '--seed', '99999999999999999999']));
    expect(line).toBe(`promptquest: option '--seed <n>' argument '99999999999999999999' is invalid. "99999999999999999999" is out of range (whole numbers from -9007199254740991 to 9007199254740991)`);
  });

  it('--speed that is no speed, and config set speed the same', async () => {
    for (const bad of ['0', '-2', '1001', 'fast']) {
      const line = refusedInOneLine(await runMain(['replay', 'lighthouse-sample', '--speed', bad]));
      expect(line).toBe(`promptquest: option '--speed <n>' argument '${bad}' is invalid. "${bad}" is not a speed (a number above 0, at most 1000, e.g. 2 for twice as fast)`);
    }
    const home = tempHome();
    const r = await runMain(['config', 'set', 'speed', '0'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/speed/);
    // A good one is taken: the replay (not on a terminal, so instant) runs to its end.
    expect((await runMain(['replay', 'lighthouse-sample', '--speed', '2.5'])).code).toBe(0);
  });

  it('--model ""', async () => {
    const line = refusedInOneLine(await runMain(['play', 'lighthouse', '--model', '']));
    expect(line).toBe(`promptquest: option '--model <name>' argument '' is invalid. a model name cannot be empty`);
  });

  it('a config file holding a list, for play and for config set (which leaves it alone)', async () => {
    const home = tempHome();
    const file = join(home, 'config.json');
    writeFileSync(file, '[]\n');
    const expected = `promptquest: the config file ${file} is not a JSON object (it holds a list): fix it or delete it (\`promptquest config path\` prints where it is)`;
    expect(refusedInOneLine(await runMain(['play', 'lighthouse', '--provider', 'offline'], { home }))).toBe(expected);
    expect(refusedInOneLine(await runMain(['config', 'set', 'model', 'x'], { home }))).toBe(expected);
    expect(readFileSync(file, 'utf8')).toBe('[]\n');
  });

  it('a pack of a newer format: pack validate names both versions and the line', async () => {
    const dir = join(tempHome('pq-format-'), 'future');
    mkdirSync(dir);
    const files = scaffoldFiles({ id: 'future', title: 'Future', language: 'en', author: 'T' });
    files['pack.yaml'] = files['pack.yaml']!.replace(/^format: .*$/m, 'format: 2').replace(/^author:/m, 'portraits: yes\nauthor:');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const line = files['pack.yaml'].split('\n').findIndex((l) => l.startsWith('format:')) + 1;
    const r = await runMain(['pack', 'validate', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${join(dir, 'pack.yaml')}:${line}: format: written for a newer PromptQuest (pack format 2; this version reads pack format 1); upgrade PromptQuest to use this pack`,
      `1 error: the pack in ${dir} is not valid`,
    ]);
  });
});

describe('a fork is the game played last', () => {
  it('a plain continue after --from-turn resumes the fork, not its source', async () => {
    const home = tempHome();
    // The source: the bundled sample under another name, its turns played days before the fork.
    const sample = readFileSync(join(ROOT, 'saves', 'lighthouse-sample.jsonl'), 'utf8');
    mkdirSync(join(home, 'saves'));
    writeFileSync(join(home, 'saves', 'source.jsonl'), sample.replace('"slot":"lighthouse-sample"', '"slot":"source"'));
    const forked = await runMain(['continue', 'source', '--from-turn', '1', '--slot', 'branch'], { home });
    expect(forked.code, forked.stderr).toBe(0);
    const again = await runMain(['continue', '--json'], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/"type":"saved"[^\n]*"slot":"branch"/);
  });
});

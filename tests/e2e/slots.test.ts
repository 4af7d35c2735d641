/** Slot names that would hide a sample, and saves whose pack has gone. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, cleanEnv, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { distReady } from '../helpers/dist.js';


const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('slots and the packs behind them', () => {
  it("a new game or a fork may not take a bundled sample's name", async () => {
    const home = tempHome();
    const [play, fork] = await Promise.all([
      runMain(['play', 'ruins', '--slot', 'ruins-sample'], { home }),
      runMain(['continue', 'lighthouse-sample', '--from-turn', '2', '--slot', 'lighthouse-sample'], { home }),
    ]);
    for (const r of [play, fork]) {
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toEqual([expect.stringContaining('is the name of a bundled sample game')]);
    }
  });

  it('continue of a game whose pack folder is gone says so (exit 2); replay still works', async () => {
    const home = tempHome();
    const dir = mkdtempSync(join(tmpdir(), 'pq-gone-pack-'));
    writeFileSync(join(dir, 'pack.yaml'), 'id: gone\ntitle: Gone\nversion: "1"\nlanguage: en\nscript: script.yaml\n');
    writeFileSync(join(dir, 'system.md'), 'Narrate.');
    writeFileSync(join(dir, 'script.yaml'), 'start: a\nscenes:\n  a: { text: "A room.", choices: [{ text: Stay }, { text: Leave, goto: b }] }\n  b: { text: "Out.", ending: { outcome: end, reason: left } }\n');
    const played = await runMain(['play', dir, '--slot', 'g'], { home, input: ['1'] });
    expect(played.code, played.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
    const [cont, replay] = await Promise.all([runMain(['continue', 'g'], { home }), runMain(['replay', 'g'], { home })]);
    expect(cont.code).toBe(2);
    expect(oneLine(cont.stderr)).toEqual([expect.stringMatching(/the pack this game was played with \("gone" in .*\) is missing/)]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('A room.');
  });

  it('/new after an ending starts a new game of the same pack in a fresh slot; piped input carries on', async () => {
    const home = tempHome();
    const ones = Array.from({ length: 12 }, () => '1');
    const r = await runMain(['play', 'lighthouse', '--slot', 'first'], { home, input: [...ones, '/new', '2'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/── Turn 1 ──/g)).toHaveLength(2);
    const saves = readdirSync(join(home, 'saves')).filter((f) => f.endsWith('.jsonl')).sort();
    expect(saves).toHaveLength(2);
    const second = saves.find((f) => f !== 'first.jsonl')!;
    const turns = readFileSync(join(home, 'saves', second), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { input: string | null });
    expect(turns.map((t) => t.input)).toEqual([null, '2']);
  });
});

describe('an endless pipe (`yes 1 | promptquest play`)', () => {
  beforeAll(() => distReady(), 120_000); // these cases run the built CLI: wait for this run's build of dist/
  it('plays to the ending and exits 0 instead of buffering input until memory runs out', async () => {
    // The real `yes`, as the README says; unthrottled, the CLI ran out of memory after ~15 s and died.
    const child = spawn('sh', ['-c', `yes 1 | "${process.execPath}" "${BIN}" play lighthouse`], { env: cleanEnv(tempHome()) });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(stdout).toContain('★ You won');
  });
});

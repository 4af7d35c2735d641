#!/usr/bin/env node
/**
 * Save performance, measured on the built code (npm run bench builds first):
 * - appending a turn through the real FileSaveStore path (fsync included), early and at 1,000 turns;
 * - loading + folding a 1,000-turn save;
 * - `promptquest --help` against a bare `node -e 0` (start-up: at most 2x);
 * - `promptquest replay <slot> --instant` of it through the built CLI (a child process).
 * Turns are copied from the bundled lighthouse sample, with a raw model reply like an online game keeps.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FileSaveStore } from '../dist/adapters/file-store.js';
import { FORMAT_VERSION, fold, mainLine } from '../dist/core/journal.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'promptquest.js');
const TURNS = 1000;
const SLOT = 'bench';

const ms = (n) => `${n.toFixed(2)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

function timed(fn) {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

async function timedAsync(fn) {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

const sample = readFileSync(join(ROOT, 'saves', 'lighthouse-sample.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sampleTurns = sample.filter((e) => e.type === 'turn' && !e.turn.game_over);

function turnEvent(id) {
  const src = sampleTurns[id % sampleTurns.length];
  const { narration, choices, image_prompt, state_changes } = src.turn;
  return {
    ...src,
    id,
    parent: id === 0 ? null : id - 1,
    input: id === 0 ? null : '1',
    said: id === 0 ? null : `1. ${choices[0] ?? 'Go on'}`,
    raw: id === 0 ? null : JSON.stringify({ narration, choices, image_prompt, state_changes, game_over: null }),
    usage: id === 0 ? null : { prompt_tokens: 2400, completion_tokens: 260, total_tokens: 2660 },
    calls: id === 0 ? 0 : 1,
    at: new Date(Date.UTC(2025, 0, 1) + id * 60_000).toISOString(),
  };
}

function cli(home, args) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, PROMPTQUEST_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`promptquest ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function cliRuns(home, args, runs = 5) {
  const times = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t = timed(() => cli(home, args));
    times.push(t.ms);
    out = t.value;
  }
  return { median: median(times), bytes: Buffer.byteLength(out) };
}

const home = mkdtempSync(join(tmpdir(), 'pq-bench-'));
try {
  const store = new FileSaveStore(join(home, 'saves'));
  await store.create({ ...sample[0], format: FORMAT_VERSION, slot: SLOT, created: new Date().toISOString() });

  const appendTimes = [];
  for (let id = 0; id < TURNS; id++) {
    const event = turnEvent(id);
    appendTimes.push((await timedAsync(() => store.append(SLOT, event))).ms);
  }
  const file = store.describe(SLOT);
  const size = statSync(file).size;

  const loads = [];
  let line = [];
  for (let i = 0; i < 7; i++) {
    const t = await timedAsync(async () => mainLine(fold((await store.load(SLOT)).events)));
    loads.push(t.ms);
    line = t.value;
  }
  if (line.length !== TURNS) throw new Error(`expected ${TURNS} turns on the main line, got ${line.length}`);

  // --help against a bare `node -e 0`, interleaved (after one warm-up each) so both see the same machine.
  const bareTimes = [];
  const helpTimes = [];
  for (let i = 0; i < 12; i++) {
    const b = timed(() => spawnSync(process.execPath, ['-e', '0'])).ms;
    const h = timed(() => cli(home, ['--help'])).ms;
    if (i === 0) continue;
    bareTimes.push(b);
    helpTimes.push(h);
  }
  const bare = median(bareTimes);
  const help = median(helpTimes);
  const startup = cliRuns(home, ['--version']);
  const replay = cliRuns(home, ['replay', SLOT, '--instant']);
  const replayJson = cliRuns(home, ['replay', SLOT, '--json']);
  const list = cliRuns(home, ['saves', 'list']);

  // One more turn on the 1,000-turn save, a few times over: the cost must not grow with the save.
  const oneMore = [];
  for (let id = TURNS; id < TURNS + 20; id++) {
    const event = turnEvent(id);
    oneMore.push((await timedAsync(() => store.append(SLOT, event))).ms);
  }

  const rows = [
    ['save size', `${TURNS} turns, ${(size / 1024 / 1024).toFixed(2)} MiB (${Math.round(size / TURNS)} bytes/turn)`],
    ['append, turns 1-20', `median ${ms(median(appendTimes.slice(0, 20)))}`],
    ['append, turns 981-1000', `median ${ms(median(appendTimes.slice(-20)))}`],
    ['append, all 1000', `median ${ms(median(appendTimes))}, p95 ${ms(p95(appendTimes))}, total ${ms(appendTimes.reduce((a, b) => a + b, 0))}`],
    ['append one turn at 1000', `median ${ms(median(oneMore))}, p95 ${ms(p95(oneMore))} (20 runs; fsync included)`],
    ['load + fold 1000 turns', `median ${ms(median(loads))} (7 runs, in process)`],
    ['bare node (node -e 0)', `median ${ms(bare)}`],
    ['CLI --help', `median ${ms(help)}, ${(help / bare).toFixed(2)}x bare node (target: at most 2x)`],
    ['CLI startup (--version)', `median ${ms(startup.median)}`],
    ['replay --instant (CLI)', `median ${ms(replay.median)} wall, ${(replay.bytes / 1024).toFixed(0)} KiB printed; minus startup ${ms(replay.median - startup.median)}`],
    ['replay --json (CLI)', `median ${ms(replayJson.median)} wall, ${(replayJson.bytes / 1024).toFixed(0)} KiB printed`],
    ['saves list (CLI)', `median ${ms(list.median)} wall (1 save of 1000 turns + 2 samples)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`PromptQuest save benchmark (node ${process.version}, ${process.platform})`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

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
import { cliLongGame, freePlayPack, playLong } from './bench-context.mjs';

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

const CONTEXT_TURNS = Number(process.env.BENCH_TURNS ?? 1000);
const WINDOWS = [4096, 8192, 32768];
const f0 = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const mark = (ok) => (ok ? 'ok ' : 'MISS');

/** Issue 8: long games against a window-enforcing instant server, with the targets checked. */
async function contextReport(home, { help, bare }) {
  const packDir = freePlayPack(ROOT);
  const games = [];
  for (const window of WINDOWS) games.push(await playLong(packDir, window, CONTEXT_TURNS));
  const cli = await cliLongGame(BIN, packDir, home, 8192, CONTEXT_TURNS);
  const g8 = games.find((g) => g.window === 8192);
  console.log(`\nPromptQuest context benchmark: ${CONTEXT_TURNS}-turn free-play games (every turn a model turn), server-side token counts`);
  const head = ['', ...WINDOWS.map((w) => `window ${w}`)];
  const table = [
    head,
    ['request tokens, turn 10', ...games.map((g) => `${f0(g.tokensAt[10]?.sent)} (all: ${f0(g.tokensAt[10]?.baseline)})`)],
    ['request tokens, turn 20', ...games.map((g) => `${f0(g.tokensAt[20]?.sent)} (all: ${f0(g.tokensAt[20]?.baseline)})`)],
    ['request tokens, turn 200', ...games.map((g) => `${f0(g.tokensAt[200]?.sent)} (all: ${f0(g.tokensAt[200]?.baseline)})`)],
    ['request tokens, turn 1000', ...games.map((g) => `${f0(g.tokensAt[1000]?.sent)} (all: ${f0(g.tokensAt[1000]?.baseline)})`)],
    ['total tokens, 200 turns', ...games.map((g) => `${f0(g.total200.sent)} = ${pct(g.total200.sent / g.total200.baseline)} of ${f0(g.total200.baseline)}`)],
    ['total tokens, whole game', ...games.map((g) => `${f0(g.total.sent)} = ${pct(g.total.sent / g.total.baseline)}`)],
    ['largest prompt + reply', ...games.map((g) => `${f0(g.maxPromptPlusReply)} (${g.overflows} overflows)`)],
    ['summary calls', ...games.map((g) => String(g.summaryCalls))],
    ['mean shared prefix', ...games.map((g) => pct(g.meanPrefixShare))],
    ['engine ms/turn 10, 100, 1000', ...games.map((g) => [10, 100, 1000].map((n) => g.engineMs[n]?.toFixed(2) ?? '—').join(', '))],
    ['turn-3 item reaches the end', ...games.map((g) => (g.rememberedAtEnd ? 'yes' : 'NO'))],
  ];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  console.log(`  (all: the same request resending every turn verbatim, computed in the same run)`);
  console.log(`  CLI, ${CONTEXT_TURNS} turns at 8192: ${(cli.playMs / 1000).toFixed(1)} s, peak RSS median ${cli.peakRssMB.toFixed(0)} MB (runs: ${cli.peakRssRuns.join(', ')} MB); continue ${f0(cli.continueMs)} ms, replay --instant ${f0(cli.replayMs)} ms`);
  const targets = [
    ['every request fits (4096, 8192, 32768)', games.every((g) => g.fits && g.overflows === 0)],
    ['turn 200 <= 1.5x turn 20', games.every((g) => g.tokensAt[200].sent <= 1.5 * g.tokensAt[20].sent)],
    ['200-turn total <= 1/4 of resend-everything', games.every((g) => g.total200.sent <= g.total200.baseline / 4)],
    ['mean shared prefix >= 85% (8192, 32768)', games.filter((g) => g.window >= 8192).every((g) => g.meanPrefixShare >= 0.85)],
    ['engine ms at the last mark <= 1.2x turn 10 (8192)', (g8.engineMs[1000] ?? g8.engineMs[100]) <= 1.2 * g8.engineMs[10]],
    ['--help <= 2x bare node', help <= 2 * bare],
    ['peak RSS over 1000 turns <= 150 MB (CLI, median of 3)', cli.peakRssMB <= 150],
    ['a turn-3 item still reaches the model at the end', games.every((g) => g.rememberedAtEnd)],
  ];
  console.log('  Targets:');
  for (const [name, ok] of targets) console.log(`    ${mark(ok)} ${name}`);
  return { turns: CONTEXT_TURNS, games, cli, targets: Object.fromEntries(targets) };
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

  const context = await contextReport(home, { help, bare });
  console.log(JSON.stringify({ type: 'bench', saves: { turns: TURNS, appendMedianMs: median(appendTimes), loadFoldMs: median(loads), replayMs: replay.median, helpOverBare: help / bare }, context }));
} finally {
  rmSync(home, { recursive: true, force: true });
}

/**
 * Issue 8's benchmark: long games against a local instant server that enforces a context
 * window and counts tokens with its own tokenizer (not ours). For each window it plays a
 * 1,000-turn free-play game (lighthouse without its script, so every turn is a model turn)
 * with the real Game and OpenAI narrator, and reports: request tokens at turns 10, 20, 200
 * and 1,000 beside a "resend everything" baseline, total tokens, the mean share of each request
 * that repeats the previous request's prefix, engine milliseconds per turn (server time taken
 * out), whether an item got on turn 3 still reaches the model at the end, and overflows.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Game } from '../dist/engine/game.js';
import { OpenAINarrator } from '../dist/adapters/openai-narrator.js';
import { MemorySaveStore } from '../dist/adapters/memory-store.js';
import { loadPack } from '../dist/adapters/pack-loader.js';
import { buildMessages } from '../dist/core/prompt.js';
import { emptyTimeline, FORMAT_VERSION } from '../dist/core/journal.js';
import { initialState } from '../dist/core/state.js';

/** The server's tokenizer: ASCII letter/digit runs at 3 characters a token, anything else visible 1. */
export function serverTokens(text) {
  let n = 0;
  for (const m of text.matchAll(/[A-Za-z0-9]+|\S/gu)) n += /^[A-Za-z0-9]/.test(m[0]) ? Math.ceil(m[0].length / 3) : 1;
  return n;
}
const chatTokens = (messages) => messages.reduce((n, m) => n + 4 + serverTokens(`${m.role}\n${m.content}`), 3);
const flat = (messages) => messages.map((m) => `${m.role}\n${m.content}`).join('\n\u0000');
const isSummary = (body) => String(body.messages?.[0]?.content ?? '').startsWith('You keep the memory');

const SENTENCES = [
  'Rain hammers the shutters and the lamp gutters low.',
  'Somewhere below, the sea worries at the rocks with a patient, grinding hunger.',
  'The stair groans under your boots; each step is slick with salt.',
  'A gull screams past the window and is gone into the dark.',
  'You remember the keeper\'s warning about the third landing.',
  'Far out, the ship\'s lanterns dip and rise, dip and rise.',
];

function modelReply(n) {
  const narration = `Turn ${n}. ${Array.from({ length: 5 }, (_, i) => SENTENCES[(n + i) % SENTENCES.length]).join(' ')}`;
  return {
    narration,
    choices: ['Climb higher', 'Listen at the door', 'Check the lamp'],
    image_prompt: 'a storm-lashed lighthouse stair at night, lamplight on wet stone',
    state_changes: { add_items: n === 3 ? ['silver compass'] : [], remove_items: [], stats: [], flags: [] },
    game_over: null,
  };
}

const summaryReply = (n) => ({ summary: `The apprentice has climbed and listened for ${n} requests; the ship still runs for the rocks.`, people: ['Keeper Marr'], places: ['the tower'], promises: ['to relight the lamp'], open_threads: ['the ship'] });

let lastText = '';

/** A server that answers at once over SSE, enforces `window`, and records what it was sent. */
export async function instantServer(window) {
  const seen = [];
  let overflows = 0;
  let serverMs = 0;
  let chats = 0;
  let previous = null;
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (b) => parts.push(b));
    req.on('end', () => {
      const t0 = performance.now();
      const path = new URL(req.url, 'http://x').pathname;
      if (path !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        serverMs += performance.now() - t0;
        return;
      }
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const prompt = chatTokens(body.messages);
      const max = body.max_tokens ?? body.max_completion_tokens ?? 0;
      const summary = isSummary(body);
      if (prompt + max > window) {
        overflows++;
        const message = `This model's maximum context length is ${window} tokens. However, you requested ${prompt + max} tokens (${prompt} in the messages, ${max} in the completion).`;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }));
        serverMs += performance.now() - t0;
        return;
      }
      chats++;
      const last = body.messages.at(-1).content;
      // Only the previous turn request's text is kept: the share of its prefix is measured here.
      const text = summary ? null : flat(body.messages);
      const share = text && previous !== null ? commonPrefix(previous, text) / text.length : null;
      if (text) previous = text;
      if (text && process.env.BENCH_DEBUG_LAST) lastText = text;
      seen.push({ summary, prompt, max, share, lastTokens: summary ? 0 : 4 + serverTokens(`user\n${last}`), remembers: text ? text.includes('silver compass') && text.includes('turn 3: got silver compass') : null });
      // The n-th turn request is turn n (the opening is the first).
      const content = JSON.stringify(summary ? summaryReply(chats) : modelReply(seen.filter((s) => !s.summary).length));
      const usage = { prompt_tokens: prompt, completion_tokens: serverTokens(content), total_tokens: prompt + serverTokens(content) };
      if (body.stream) {
        const chunk = (delta, finish) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(chunk({ role: 'assistant', content }, null) + chunk({}, 'stop') + `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [], usage })}\n\ndata: [DONE]\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage }));
      }
      serverMs += performance.now() - t0;
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseURL: `http://127.0.0.1:${server.address().port}/v1`,
    seen,
    get overflows() { return overflows; },
    get serverMs() { return serverMs; },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** lighthouse without its script: a free-play pack, so every one of the 1,000 turns is a model turn. */
export function freePlayPack(root) {
  const dir = mkdtempSync(join(tmpdir(), 'pq-bench-pack-'));
  cpSync(join(root, 'prompts', 'lighthouse'), dir, { recursive: true });
  const manifest = readFileSync(join(dir, 'pack.yaml'), 'utf8').replace(/^script:.*$/m, '').replace(/^tests:.*$/m, '').replace(/^id: lighthouse$/m, 'id: lighthouse-free');
  writeFileSync(join(dir, 'pack.yaml'), manifest);
  return dir;
}

class InputsUi {
  marks = [];
  constructor(turns) {
    this.left = turns;
  }
  showTurn() {}
  notice() {}
  info() {}
  event() {}
  close() {}
  ask() {
    this.marks.push(performance.now());
    if (this.left-- <= 0) return Promise.resolve(null);
    return Promise.resolve(this.left % 7 === 0 ? '2' : 'I keep climbing and listen to the storm');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** Common prefix of two strings, in characters. */
function commonPrefix(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export async function playLong(packDir, window, turns) {
  const pack = loadPack(packDir, tmpdir());
  const server = await instantServer(window);
  const store = new MemorySaveStore();
  const state = initialState(pack.manifest, {}, null);
  await store.create({ type: 'header', format: FORMAT_VERSION, slot: 'bench', pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: packDir }, provider: 'openai', model: 'bench', base_url: server.baseURL, vars: state.vars, created: new Date().toISOString(), forked_from: null });
  const contexts = new Map();
  const narrator = new OpenAINarrator({
    model: 'bench', baseURL: server.baseURL, apiKey: null, timeoutMs: 30_000,
    cache: { get: () => undefined, set: () => undefined },
    contextCache: { get: (k) => contexts.get(k), set: (k, v) => void contexts.set(k, v) },
    contextOverride: window,
    ...(process.env.BENCH_DEBUG_LOG ? { log: (l) => console.error(l) } : {}),
  });
  const ui = new InputsUi(turns - 1);
  // Server time per turn: the server's own handling, taken out of each turn's wall time.
  const serverAt = [];
  const origAsk = ui.ask.bind(ui);
  ui.ask = () => {
    serverAt.push(server.serverMs);
    return origAsk();
  };
  const game = new Game({ pack, narrator, ui, store, slot: 'bench', timeline: emptyTimeline(), initialState: state });
  await game.run();
  await server.close();

  const engineMs = ui.marks.slice(1).map((t, i) => t - ui.marks[i] - (serverAt[i + 1] - serverAt[i]));
  const turnRequests = server.seen.filter((s) => !s.summary);
  const shares = turnRequests.slice(1).map((s) => s.share);
  if (process.env.BENCH_DEBUG_LAST) console.log(lastText);

  // The baseline resends the whole story verbatim: the same system prompt, all examples, every turn so far, the same last message.
  const events = (await store.load('bench')).events.filter((e) => e.type === 'turn');
  const pairTokens = events.map((e) => chatTokens(buildMessages({ pack, state: e.state, summary: null, history: [{ id: e.id, n: 1, said: e.said, turn: e.turn, state: e.state }], said: null, rails: null, notes: [] }).messages.slice(1 + pack.examples.length * 2, -1)) - 3);
  const fixed = chatTokens(buildMessages({ pack, state, summary: null, history: [], said: null, rails: null, notes: [] }).messages.slice(0, -1));
  // Request i asks for turn i+1: it carries every turn before it.
  let story = 0;
  const baseline = turnRequests.map((s, i) => {
    const total = fixed + story + s.lastTokens;
    story += pairTokens[i] ?? 0;
    return total;
  });
  const at = (n) => turnRequests[n - 1];
  // Everything sent up to the request for turn 200: turn requests and summary calls alike.
  const upTo200 = server.seen.indexOf(turnRequests[199] ?? turnRequests.at(-1));
  return {
    window,
    turns: events.length,
    overflows: server.overflows,
    fits: server.seen.every((s) => s.prompt + s.max <= window),
    maxPromptPlusReply: Math.max(...server.seen.map((s) => s.prompt + s.max)),
    tokensAt: Object.fromEntries([10, 20, 200, 1000].filter((n) => n <= turns).map((n) => [n, { sent: at(n)?.prompt ?? null, baseline: baseline[n - 1] ?? null }])),
    total200: { sent: sum(server.seen.slice(0, upTo200 + 1).map((s) => s.prompt)), baseline: sum(baseline.slice(0, 200)) },
    total: { sent: sum(server.seen.map((s) => s.prompt)), baseline: sum(baseline) },
    summaryCalls: server.seen.filter((s) => s.summary).length,
    meanPrefixShare: sum(shares) / shares.length,
    engineMs: Object.fromEntries([10, 100, 1000].filter((n) => n <= turns).map((n) => [n, median(engineMs.slice(Math.max(0, n - 10), n))])),
    rememberedAtEnd: turnRequests.at(-1)?.remembers ?? false,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    ...(process.env.BENCH_DEBUG ? { engineAll: [50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((n) => Number(median(engineMs.slice(n - 50, n)).toFixed(2))), shares: shares.map((x) => Math.round(x * 100)), prompts: turnRequests.map((s) => s.prompt), summaryAt: server.seen.map((s, i) => (s.summary ? i : -1)).filter((i) => i >= 0) } : {}),
  };
}

/** One CLI run; resolves with its exit code, stderr, wall time, and peak RSS (reported by the child itself). */
function runCli(bin, args, env, input) {
  // The child prints its own peak RSS at exit: no platform tool needed.
  const hook = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nMAXRSS "+process.resourceUsage().maxRSS+"\\n"))';
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', hook, bin, ...args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
      resolve({ code, stderr, ms: performance.now() - t0, rssMB: rss });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * The whole CLI playing `turns` model turns against the instant server (its peak RSS is the
 * figure that matters to a player), then `continue` and `replay --instant` of that save.
 */
export async function cliLongGame(bin, packDir, home, window, turns) {
  const server = await instantServer(window);
  const env = { ...process.env, PROMPTQUEST_HOME: home, NO_COLOR: '1', OPENAI_API_KEY: '' };
  delete env.OPENAI_BASE_URL;
  const inputs = Array.from({ length: turns - 1 }, (_, i) => (i % 7 === 0 ? '2' : 'I keep climbing and listen to the storm')).join('\n') + '\n';
  const common = ['--base-url', server.baseURL, '--model', 'bench', '--context', String(window)];
  // Peak RSS swings with the garbage collector's timing (140-190 MB seen here): three games, the median counts.
  const plays = [];
  for (const slot of ['long', 'long2', 'long3']) {
    const run = await runCli(bin, ['play', packDir, '--slot', slot, '--json', ...common], env, inputs);
    if (run.code !== 0) throw new Error(`play exited ${run.code}: ${run.stderr.slice(-400)}`);
    plays.push(run);
  }
  const play = { ms: median(plays.map((p) => p.ms)), rssMB: median(plays.map((p) => p.rssMB)), rssAll: plays.map((p) => Math.round(p.rssMB)) };
  const times = async (args) => {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runCli(bin, args, env, ''));
    const bad = runs.find((r) => r.code !== 0);
    if (bad) throw new Error(`${args.join(' ')} exited ${bad.code}: ${bad.stderr.slice(-400)}`);
    return median(runs.map((r) => r.ms));
  };
  const resume = await times(['continue', 'long', ...common]);
  const replay = await times(['replay', 'long', '--instant']);
  await server.close();
  return { turns, playMs: play.ms, peakRssMB: play.rssMB, peakRssRuns: play.rssAll, overflows: server.overflows, continueMs: resume, replayMs: replay };
}

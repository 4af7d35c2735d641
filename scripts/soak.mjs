#!/usr/bin/env node
/**
 * The soak (issue 10, part 11): one long game through the built CLI against a local
 * OpenAI-compatible server on 127.0.0.1 that misbehaves on about 10% of requests, with the CLI
 * killed (-9) at planned moments and resumed with `continue` after each. It prints what happened:
 * turns played, faults injected by kind, kills, crashes, duplicated turns, turns lost per kill,
 * wall time. After a kill, now and then a second `continue` is started at the same moment: the
 * two race for the slot (and its stale lock), and one must be refused. Exit 0 when every check
 * held, 1 when one did not.
 *
 *   npm run soak -- [--seed N] [--turns 1000] [--kills 30] [--fault-rate 0.1] [--only KIND,...] [--keep]
 *
 * --only limits the faults to the kinds named (to look at one kind); --keep keeps the game's
 * PROMPTQUEST_HOME (its save and config) and prints where it is.
 *
 * The pack is lighthouse without its script (as in the bench): free play, where every turn is a
 * model turn and no ending comes unless the model says so, so a game can run to 1,000 turns.
 * Each input names the turn it is for ("… (step 42)"), so the server knows which turn a request
 * is for; faults and kills are drawn from the seed per (turn, attempt), which makes a run
 * reproducible: the same seed gives the same faults at the same turns and the same kills. (Only a
 * kill right after a reply races the CLI's save: whether that turn reached the disk may differ.)
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { FileSaveStore } from '../dist/adapters/file-store.js';
import { fold, mainLine } from '../dist/core/journal.js';
import { freePlayPack } from './bench-context.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'promptquest.js');
const SLOT = 'soak';
/** Exit codes DESIGN.md documents; anything else from a run we did not kill is a crash. */
const DOCUMENTED = new Set([0, 1, 2, 130]);
const RUN_DEADLINE_MS = 600_000;
/** Each CLI prints its own peak RSS as it exits (a killed one cannot): no platform tool needed. */
const RSS_HOOK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nSOAK-MAXRSS "+process.resourceUsage().maxRSS+"\\n"))';

const { values: opts } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    turns: { type: 'string', default: '1000' },
    kills: { type: 'string', default: '30' },
    'fault-rate': { type: 'string', default: '0.1' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const SEED = Number(opts.seed);
const TURNS = Number(opts.turns);
const KILLS = Number(opts.kills);
const RATE = Number(opts['fault-rate']);
for (const [name, v, ok] of [['--seed', SEED, Number.isSafeInteger(SEED)], ['--turns', TURNS, TURNS >= 2], ['--kills', KILLS, KILLS >= 0 && KILLS < TURNS - 1], ['--fault-rate', RATE, RATE >= 0 && RATE <= 1]]) {
  if (!ok) {
    console.error(`soak: ${name} ${v} is not usable`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------
// Reproducible randomness: every draw is a hash of the seed and what it is for.

/** A number in [0, 1) from the seed and what it is for (the first 48 bits of a SHA-256). */
function draw(...parts) {
  return createHash('sha256').update([SEED, ...parts].join('|')).digest().readUIntBE(0, 6) / 2 ** 48;
}

// ---------------------------------------------------------------------------
// What the server sends.

const SENTENCES = [
  'Rain hammers the shutters and the lamp gutters low.',
  'Somewhere below, the sea worries at the rocks.',
  'The stair groans under your boots; each step is slick with salt.',
  'A gull screams past the window and is gone into the dark.',
  'Far out, the ship\'s lanterns dip and rise, dip and rise.',
];
const turnReply = (n) => ({
  narration: `Step ${n}. ${SENTENCES[n % SENTENCES.length]} ${SENTENCES[(n + 2) % SENTENCES.length]}`,
  choices: ['Climb higher', 'Listen at the door', 'Check the lamp'],
  image_prompt: 'a storm-lashed lighthouse stair at night',
  state_changes: { add_items: n % 50 === 3 ? [`token ${n}`] : [], remove_items: [], stats: [], flags: [] },
  game_over: null,
});
const summaryReply = (n) => ({
  summary: `The keeper's apprentice has climbed on through ${n} summaries of storm; the ship still runs for the rocks.`,
  people: ['Keeper Marr'], places: ['the tower'], promises: ['to relight the lamp'], open_threads: ['the ship'],
});
const EVIL = '\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x9b31mred\x07\u202e';
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
const MARK = '@@INVALID@@';

/**
 * Every kind the fault matrix (tests/e2e/faults.test.ts) knows, and the new ones of part 11. Each
 * gives the content to send (or takes the response over itself).
 */
const ALL_KINDS = [
  'fenced', 'prose', 'trailing-comma', 'truncated', 'wrong-types', 'refusal', 'control-sequences',
  'status-429', 'status-500', 'status-503', 'status-429-long', 'slow', 'drop-mid-stream', 'hang', 'format-rejected',
  'reset', 'invalid-utf8', 'no-done', 'body-50mb', 'headers-then-silence',
];
const KINDS = opts.only ? opts.only.split(',') : ALL_KINDS;
for (const k of KINDS) {
  if (!ALL_KINDS.includes(k)) {
    console.error(`soak: --only ${k}: not a fault kind (${ALL_KINDS.join(', ')})`);
    process.exit(2);
  }
}

/**
 * Which kind each fault is: dealt from a deck of every kind, shuffled by the seed and dealt
 * again when it runs out, so every kind is injected once the game has had as many faults.
 */
function dealer() {
  let deck = [];
  let round = 0;
  return () => {
    if (deck.length === 0) {
      deck = KINDS.map((k) => ({ k, r: draw('deck', round, k) })).sort((a, b) => a.r - b.r).map((x) => x.k);
      round++;
    }
    return deck.shift();
  };
}

function contentFor(kind, reply) {
  const json = JSON.stringify(reply);
  switch (kind) {
    case 'fenced': return { content: '```json\n' + JSON.stringify(reply, null, 2) + '\n```' };
    case 'prose': return { content: `Sure! Here is the turn:\n${json}\nHope you enjoy.` };
    case 'trailing-comma': return { content: `${json.slice(0, -1)},}` };
    case 'truncated': return { content: json.slice(0, Math.floor(json.length / 2)), finish: 'length' };
    case 'wrong-types': return { content: JSON.stringify({ ...reply, narration: 42, choices: 'Climb', summary: 7, game_over: 'no' }) };
    case 'refusal': return { refusal: `I cannot narrate that.${EVIL}` };
    case 'control-sequences': return { content: JSON.stringify(evil(reply)) };
    case 'invalid-utf8': return { content: JSON.stringify(marked(reply)) };
    default: return { content: json };
  }
}
const evil = (reply) => ('narration' in reply
  ? { ...reply, narration: `The lamp gutters.${EVIL} Then it steadies.`, choices: [`Run${EVIL}`, 'Wait', '\x1b[1mShout\x1b[0m'] }
  : { ...reply, summary: `${reply.summary}${EVIL}` });
const marked = (reply) => ('narration' in reply ? { ...reply, narration: `${reply.narration} ${MARK}` } : { ...reply, summary: `${reply.summary} ${MARK}` });
/** The text as bytes, with the marker replaced by bytes that are not UTF-8. */
function bytesOf(text) {
  const parts = text.split(MARK).map((p) => Buffer.from(p));
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [INVALID_UTF8, p])));
}

function chunkLine(model, delta, finish = null) {
  return `data: ${JSON.stringify({ id: 'soak', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}
/** Text in small deltas, so the CLI sees partial JSON; the invalid-bytes marker is never split. */
function pieces(text, size = 24) {
  return text.split(MARK).flatMap((part, k) => {
    const out = k === 0 ? [] : [MARK];
    for (let i = 0; i < part.length; i += size) out.push(part.slice(i, i + size));
    return out;
  });
}
const usageOf = (body, text) => {
  const prompt = Math.ceil(JSON.stringify(body.messages).length / 4);
  const completion = Math.ceil(text.length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

/** The SSE events of a whole reply: role, content (or refusal) in small pieces, finish, usage. */
function sseEvents(body, produced) {
  const text = produced.content ?? produced.refusal;
  const field = produced.content !== undefined ? 'content' : 'refusal';
  const events = [chunkLine(body.model, { role: 'assistant', content: '' })];
  for (const p of pieces(text)) events.push(chunkLine(body.model, { [field]: p }));
  events.push(chunkLine(body.model, {}, produced.finish ?? 'stop'));
  events.push(`data: ${JSON.stringify({ id: 'soak', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [], usage: usageOf(body, text) })}\n\n`);
  return events;
}

function completionJson(body, produced) {
  const text = produced.content ?? produced.refusal;
  const message = produced.content !== undefined ? { role: 'assistant', content: produced.content } : { role: 'assistant', content: null, refusal: produced.refusal };
  return JSON.stringify({ id: 'soak', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message, finish_reason: produced.finish ?? 'stop' }], usage: usageOf(body, text) });
}

/** Write, waiting for the socket to drain; false once the client has gone. */
function write(res, data) {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

const MB50 = 50 * 1024 * 1024;
const BLOCK = 'a'.repeat(64 * 1024);

/** 50 MB of reply: a narration that never ends, as SSE deltas or one JSON body. */
async function sendHuge(res, body) {
  if (body.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (!(await write(res, chunkLine(body.model, { role: 'assistant', content: '{"narration":"' })))) return;
    const event = chunkLine(body.model, { content: BLOCK });
    for (let sent = 0; sent < MB50; sent += BLOCK.length) if (!(await write(res, event))) return;
    await write(res, chunkLine(body.model, { content: '","choices":["a","b"],"image_prompt":null,"state_changes":{"add_items":[],"remove_items":[],"stats":[],"flags":[]},"game_over":null}' }, 'stop'));
    res.end('data: [DONE]\n\n');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (!(await write(res, '{"id":"soak","object":"chat.completion","created":0,"model":"soak","choices":[{"index":0,"message":{"role":"assistant","content":"'))) return;
    for (let sent = 0; sent < MB50; sent += BLOCK.length) if (!(await write(res, BLOCK))) return;
    res.end('"},"finish_reason":"stop"}]}');
  }
}

/** Send a reply as `kind` shapes it (null: no fault). `afterSent` runs once it is all on the wire. */
async function answer(req, res, body, kind, reply, { midStream } = {}) {
  const errorBody = (message, type = 'server_error', param = null) => JSON.stringify({ error: { message, type, param, code: null } });
  const status = (code, message, headers = {}) => res.writeHead(code, { 'content-type': 'application/json', ...headers }).end(errorBody(message));
  switch (kind) {
    case 'status-429': return status(429, 'Rate limit reached for requests.', { 'retry-after': '1' });
    case 'status-429-long': return status(429, 'Rate limit reached for requests.', { 'retry-after': '3600' });
    case 'status-500': return status(500, 'The server had an error while processing your request.', { 'retry-after': '0' });
    case 'status-503': return status(503, 'The server is overloaded.');
    case 'format-rejected': {
      const type = body.response_format?.type;
      return res.writeHead(400, { 'content-type': 'application/json' }).end(errorBody(`'response_format.type' ${type} is not supported; must be 'text'`, 'invalid_request_error', 'response_format'));
    }
    case 'hang': return undefined;
    case 'headers-then-silence':
      res.writeHead(200, { 'content-type': body.stream ? 'text/event-stream' : 'application/json' });
      res.flushHeaders();
      return undefined;
    case 'reset': return req.socket.resetAndDestroy();
    case 'body-50mb': return sendHuge(res, body);
    case 'slow': await new Promise((r) => setTimeout(r, 300)); break;
    default: break;
  }
  const produced = contentFor(kind, reply);
  if (!body.stream) {
    if (kind === 'drop-mid-stream') return req.socket.destroy();
    const json = completionJson(body, produced);
    if (kind === 'no-done') {
      // No SSE here: the JSON body ends early, as a proxy cutting the connection would leave it.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.write(json.slice(0, Math.floor(json.length / 2)));
      return req.socket.destroy();
    }
    const bytes = bytesOf(json);
    return res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length }).end(bytes);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events = sseEvents(body, produced);
  const half = Math.floor(events.length / 2);
  for (const [i, e] of events.entries()) {
    if ((kind === 'drop-mid-stream' || midStream) && i === half) {
      if (midStream) return midStream();
      return req.socket.destroy();
    }
    if (!(await write(res, bytesOf(e)))) return undefined;
  }
  if (kind === 'no-done') return res.end();
  return res.end('data: [DONE]\n\n');
}

// ---------------------------------------------------------------------------
// The plan: which turns get a kill, and of what kind.

const KILL_KINDS = ['request', 'mid-stream', 'after-reply', 'startup'];

/** Kills at distinct turns 2..TURNS; a 'startup' kill also kills the `continue` after it (2 kills). */
function killPlan() {
  const plan = new Map();
  let kills = 0;
  for (let i = 0; kills < KILLS; i++) {
    const turn = 2 + Math.floor(draw('kill-turn', i) * (TURNS - 1));
    if (plan.has(turn)) continue;
    let kind = KILL_KINDS[Math.floor(draw('kill-kind', i) * KILL_KINDS.length)];
    if (kind === 'startup' && kills + 2 > KILLS) kind = 'request';
    plan.set(turn, { kind, delayMs: Math.floor(draw('kill-delay', i) * 400) });
    kills += kind === 'startup' ? 2 : 1;
  }
  return plan;
}

// ---------------------------------------------------------------------------
// The server: draws a fault per (turn, attempt), and carries out the kill plan.

const isSummary = (body) => String(body.messages?.[0]?.content ?? '').startsWith('You keep the memory');
/**
 * The turn a request is for: the highest step its messages name (earlier steps are history; a
 * repair request ends with the problem, not the input). The opening names none.
 */
function turnOf(body) {
  const steps = [...JSON.stringify(body.messages ?? []).matchAll(/\(step (\d+)\)/g)].map((m) => Number(m[1]));
  return steps.length ? Math.max(...steps) : 1;
}

function startServer(soak) {
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    res.on('error', () => undefined);
    const parts = [];
    req.on('data', (b) => parts.push(b));
    req.on('error', () => undefined);
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        soak.otherRequests++;
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
        return;
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        soak.badRequests++;
        res.writeHead(400).end('{"error":{"message":"bad JSON"}}');
        return;
      }
      handleChat(soak, req, res, body).catch((err) => {
        soak.serverErrors.push(String(err?.stack ?? err));
        res.destroy();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    baseURL: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(r);
    }),
  })));
}

async function handleChat(soak, req, res, body) {
  const summary = isSummary(body);
  const turn = summary ? null : turnOf(body);
  const key = summary ? `summary ${soak.summaries++}` : `turn ${turn}`;
  const attempt = soak.attempts.get(key) ?? 0;
  soak.attempts.set(key, attempt + 1);
  soak.chatRequests++;
  if (summary) soak.summaryRequests++;
  else if (soak.run && soak.rivalsAlive === 0) soak.run.turnRequests++;
  const reply = summary ? summaryReply(soak.summaries) : turnReply(turn);

  // A planned kill fires at the first request for its turn, or (when a rival played that turn)
  // for a later one; never while a rival is in the race for the slot: kills are the main run's.
  const due = !summary && soak.run && soak.rivalsAlive === 0 ? Math.min(...soak.plan.keys()) : Infinity;
  const kill = due <= turn ? soak.plan.get(due) : undefined;
  if (kill) {
    soak.plan.delete(due);
    const run = soak.run;
    const now = () => run.killNow(kill.kind, turn);
    if (kill.kind === 'request' || kill.kind === 'startup') {
      if (kill.kind === 'startup') soak.killNextStartAfterMs = kill.delayMs;
      return now();
    }
    if (kill.kind === 'mid-stream') return answer(req, res, body, null, reply, { midStream: now });
    // after-reply: the whole reply is sent; a few ms later the CLI is checking, saving or showing it.
    res.on('finish', () => setTimeout(now, kill.delayMs % 40));
    return answer(req, res, body, null, reply);
  }

  let kind = draw('fault?', key, attempt) < RATE ? soak.deal() : null;
  // A server that rejected every format once has nothing left to reject: that draw is plain prose.
  if (kind === 'format-rejected' && !body.response_format) kind = 'prose';
  if (kind) soak.faults.set(kind, (soak.faults.get(kind) ?? 0) + 1);
  return answer(req, res, body, kind, reply);
}

// ---------------------------------------------------------------------------
// The game: runs of the CLI until the save has TURNS turns.

const STACK = /\n\s+at |unexpected error/;
const CONTROL = /[\x1b\x07\x9b\x9d\u202e]/;

/** The save as the store reads it (refused if damaged), and the raw lines' turn ids. */
async function saveFacts(home) {
  const file = join(home, 'saves', `${SLOT}.jsonl`);
  if (!existsSync(file)) return { exists: false, turns: 0, ids: [], warnings: [], torn: false };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const torn = lines.at(-1) !== '';
  const ids = [];
  for (const l of lines.slice(1, torn ? -1 : undefined)) {
    if (l.trim() === '') continue;
    const e = JSON.parse(l);
    if (e.type === 'turn') ids.push(e.id);
  }
  const loaded = await new FileSaveStore(join(home, 'saves')).load(SLOT);
  return { exists: true, turns: mainLine(fold(loaded.events)).length, ids, warnings: loaded.warnings, torn };
}

/** One CLI run; the main run is the one the kill plan kills, a rival only races it for the slot. */
function runCli(soak, args, input, { main = true } = {}) {
  return new Promise((resolve) => {
    const env = { ...process.env, PROMPTQUEST_HOME: soak.home, NO_COLOR: '1', FORCE_COLOR: '0' };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'PROMPTQUEST_MODEL', 'PROMPTQUEST_CONTEXT', 'DEBUG']) delete env[k];
    const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const run = { child, killed: null, stdout: '', stderr: '', turnRequests: 0 };
    run.killNow = (kind, turn) => {
      if (run.killed) return;
      run.killed = { kind, turn };
      child.kill('SIGKILL');
    };
    if (main) soak.run = run;
    else soak.rivalsAlive++;
    child.stdout.setEncoding('utf8').on('data', (d) => (run.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (run.stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const deadline = setTimeout(() => {
      run.hung = true;
      child.kill('SIGKILL');
    }, RUN_DEADLINE_MS);
    if (main && soak.killNextStartAfterMs !== null) {
      const ms = soak.killNextStartAfterMs;
      soak.killNextStartAfterMs = null;
      setTimeout(() => run.killNow('startup', null), ms);
    }
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (main) soak.run = null;
      else soak.rivalsAlive--;
      const rss = /\nSOAK-MAXRSS (\d+)\n/.exec(run.stderr);
      run.stderr = run.stderr.replace(/\nSOAK-MAXRSS \d+\n/, '');
      resolve({ ...run, code, signal, rssMB: rss ? Number(rss[1]) / 1024 : null });
    });
  });
}

const turnEventsOf = (stdout) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
  try {
    return JSON.parse(l);
  } catch {
    return { type: 'unparsable' };
  }
}).filter((e) => e.type === 'turn');

async function soakGame() {
  const home = mkdtempSync(join(tmpdir(), 'pq-soak-'));
  // Silence is given up on after 2 s (the default is 120 s): hangs and stalls cost seconds, not minutes.
  writeFileSync(join(home, 'config.json'), JSON.stringify({ timeout: 2 }));
  const soak = {
    home, plan: killPlan(), deal: dealer(), attempts: new Map(), faults: new Map(), summaries: 0, summaryRequests: 0, chatRequests: 0,
    otherRequests: 0, badRequests: 0, serverErrors: [], run: null, rivalsAlive: 0, killNextStartAfterMs: null,
  };
  const planned = [...soak.plan.values()].reduce((n, k) => n + (k.kind === 'startup' ? 2 : 1), 0);
  const server = await startServer(soak);
  const packDir = freePlayPack(ROOT);
  const common = ['--json', '--base-url', server.baseURL, '--model', 'soak', '--context', '8192'];
  const figures = { staleLocks: 0, runs: 0, exits: new Map(), kills: [], crashes: [], leaks: 0, warningsSeen: 0, rivals: { rounds: 0, main: 0, rival: 0, neither: 0, both: 0 } };
  const t0 = performance.now();
  let facts = await saveFacts(home);
  let still = 0;
  let lastKilled = false;
  while (facts.turns < TURNS) {
    const from = Math.max(facts.turns, 1);
    const inputs = Array.from({ length: TURNS - from }, (_, i) => `I climb on through the storm (step ${from + 1 + i})\n`).join('');
    const args = facts.exists ? ['continue', SLOT, ...common] : ['play', packDir, '--slot', SLOT, ...common];
    const before = facts.turns;
    // After a kill, now and then a second `continue` starts at the same moment (3 inputs of its
    // own): the two race for the slot and its stale lock, and one of them must be refused.
    const rivalRound = facts.exists && lastKilled && draw('rival', figures.runs) < 1 / 3;
    const rivalInput = inputs.split('\n').slice(0, 3).map((l) => `${l}\n`).join('');
    const [r, rival] = await Promise.all([runCli(soak, args, inputs), rivalRound ? runCli(soak, args, rivalInput, { main: false }) : null]);
    figures.runs += rival ? 2 : 1;
    const refused = (x) => x.code === 2 && /is open in another PromptQuest \(pid \d+\); nothing was changed/.test(x.stderr);
    if (rival) {
      figures.rivals.rounds++;
      const which = refused(r) && refused(rival) ? 'both' : refused(r) ? 'main' : refused(rival) ? 'rival' : 'neither';
      figures.rivals[which]++;
      if (which === 'both') figures.crashes.push({ key: 'both refused', args: args[0], stderr: r.stderr.trim() });
      const rivalCrash = rival.signal !== null || (rival.code !== 0 && !refused(rival)) || STACK.test(rival.stderr);
      if (rivalCrash) figures.crashes.push({ key: `rival exit ${rival.code ?? rival.signal}`, args: args[0], stderr: rival.stderr.trim().split('\n').slice(-3).join(' | ') });
      if (CONTROL.test(rival.stdout + rival.stderr)) figures.leaks++;
    }
    lastKilled = r.killed !== null;
    if (rival && refused(r)) {
      // The main run lost the race and changed nothing: the rival played; go round again.
      facts = await saveFacts(home);
      continue;
    }
    if (r.rssMB !== null) figures.peakRssMB = Math.max(figures.peakRssMB ?? 0, r.rssMB);
    try {
      facts = await saveFacts(home);
    } catch (err) {
      figures.crashes.push({ key: 'save refused', args: args[0], stderr: String(err?.message ?? err) });
      break;
    }
    const shown = turnEventsOf(r.stdout).map((e) => e.turn);
    if (CONTROL.test(r.stdout + r.stderr)) figures.leaks++;
    const shownNotSaved = shown.filter((n) => n > facts.turns).length;
    if (facts.turns < before) figures.crashes.push({ key: 'save went back', args: args[0], stderr: `${before} turns before the run, ${facts.turns} after` });
    if (r.killed && existsSync(join(home, 'saves', `${SLOT}.jsonl.lock`))) figures.staleLocks++;
    if (r.killed) {
      // The turn the CLI was on: the one after the last it showed (or found saved). It is lost
      // when its request had gone out and it is not on disk; a turn shown and not saved is lost too.
      const onTurn = Math.max(before, ...shown) + 1;
      const lostInFlight = r.turnRequests > 0 && facts.turns < onTurn ? 1 : 0;
      figures.kills.push({ ...r.killed, before, after: facts.turns, shownNotSaved, lost: lostInFlight + shownNotSaved, torn: facts.torn });
    } else {
      const key = r.hung ? 'hung' : r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
      figures.exits.set(key, (figures.exits.get(key) ?? 0) + 1);
      const crash = r.hung || r.signal !== null || !DOCUMENTED.has(r.code) || r.code === 2 || STACK.test(r.stderr);
      if (crash) figures.crashes.push({ key, args: args[0], stderr: r.stderr.trim().split('\n').slice(-5).join(' | ') });
      if (shownNotSaved) figures.crashes.push({ key: 'shown but not saved', args: args[0], stderr: `${shownNotSaved} turns` });
      if (r.code === 1) figures.exit1Lines = [...(figures.exit1Lines ?? []), r.stderr.trim().split('\n').at(-1)];
    }
    figures.warningsSeen += r.stderr.split('\n').filter((l) => /skipped and kept|incomplete last line/.test(l)).length;
    still = facts.turns > before ? 0 : still + 1;
    if (still >= 8) {
      figures.crashes.push({ key: 'no progress', args: args[0], stderr: `8 runs in a row left the save at ${facts.turns} turns; last stderr: ${r.stderr.trim().slice(-300)}` });
      break;
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  await server.close();
  const final = await saveFacts(home);
  const counts = new Map();
  for (const id of final.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const duplicated = [...counts.values()].filter((n) => n > 1).length;
  const inOrder = final.ids.every((id, i) => id === i);
  if (!opts.keep) rmSync(home, { recursive: true, force: true });
  rmSync(packDir, { recursive: true, force: true });
  return { soak, figures, final, duplicated, inOrder, wallS, planned, home };
}

// ---------------------------------------------------------------------------

const tally = (m) => [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

const { soak, figures, final, duplicated, inOrder, wallS, planned, home } = await soakGame();
const faultTotal = [...soak.faults.values()].reduce((a, b) => a + b, 0);
const killKinds = new Map();
for (const k of figures.kills) killKinds.set(k.kind, (killKinds.get(k.kind) ?? 0) + 1);
const lostTally = new Map();
for (const k of figures.kills) lostTally.set(`${k.lost} lost`, (lostTally.get(`${k.lost} lost`) ?? 0) + 1);
const maxLost = Math.max(0, ...figures.kills.map((k) => k.lost));
const beyondInFlight = figures.kills.reduce((n, k) => n + k.shownNotSaved, 0);
const chatTurns = soak.chatRequests - soak.summaryRequests;

const checks = [
  ['the game reached its turns', final.turns >= TURNS],
  ['0 crashes', figures.crashes.length === 0],
  ['0 duplicated turns', duplicated === 0 && final.warnings.length === 0],
  ['turn ids 0..n-1 in order', inOrder],
  ['at most the turn in flight lost per kill', maxLost <= 1 && beyondInFlight === 0],
  ['every planned kill happened', figures.kills.length === planned],
  ['nothing a terminal would act on in any output', figures.leaks === 0],
  ['the server never failed', soak.serverErrors.length === 0 && soak.badRequests === 0],
];

const rows = [
  ['turns played', `${final.turns} on the main line; ${final.ids.length} turn lines in the journal`],
  ['requests', `${soak.chatRequests} chat (${chatTurns} for turns, ${soak.summaryRequests} summaries), ${soak.otherRequests} other`],
  ['faults injected', `${faultTotal} (${((100 * faultTotal) / Math.max(1, soak.chatRequests)).toFixed(1)}% of chat requests): ${tally(soak.faults)}`],
  ['kills (kill -9)', `${figures.kills.length} of ${planned} planned: ${tally(killKinds)}`],
  ['runs', `${figures.runs} CLI runs (${figures.rivals.rounds} rivals): killed ${figures.kills.length}, ${tally(figures.exits)}, refused as busy ${figures.rivals.main + figures.rivals.rival}; ${figures.staleLocks} locks left by a kill, each taken over`],
  ['rival continues', `${figures.rivals.rounds} races of two continues just after a kill: main refused ${figures.rivals.main}, rival refused ${figures.rivals.rival}, one after the other ${figures.rivals.neither}, both refused ${figures.rivals.both}`],
  ['crashes', `${figures.crashes.length}${figures.crashes.length ? `: ${figures.crashes.map((c) => `${c.key} (${c.args}): ${c.stderr}`).join('; ')}` : ''}`],
  ['duplicated turns', `${duplicated} (turn ids written twice in the journal); load warnings at the end: ${final.warnings.length}`],
  ['turns lost per kill', `${tally(lostTally)}; max ${maxLost} (the turn in flight); shown but not saved: ${beyondInFlight}`],
  ['warnings shown', `${figures.warningsSeen} (torn last line after a kill, repeated ids)`],
  ['exit 1 lines', figures.exit1Lines ? [...new Set(figures.exit1Lines.map((l) => l.replace(/\d+/g, 'N')))].join(' | ') : 'none'],
  ['peak RSS', `${figures.peakRssMB?.toFixed(0) ?? '—'} MB (the largest of the runs that exited; a killed run cannot say)`],
  ['wall time', `${wallS.toFixed(1)} s`],
];
console.log(`PromptQuest soak: seed ${SEED}, ${TURNS} turns, ${KILLS} kills, fault rate ${RATE} (node ${process.version}, ${process.platform})`);
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
console.log('  Checks:');
for (const [name, ok] of checks) console.log(`    ${ok ? 'ok  ' : 'FAIL'} ${name}`);
if (soak.serverErrors.length) console.log(`  server errors: ${soak.serverErrors.slice(0, 3).join('\n')}`);
if (opts.keep) console.log(`  kept: ${home}`);
console.log(JSON.stringify({
  type: 'soak', seed: SEED, turns: final.turns, journalTurnLines: final.ids.length, chatRequests: soak.chatRequests, summaryRequests: soak.summaryRequests,
  faults: Object.fromEntries(soak.faults), kills: figures.kills, exits: Object.fromEntries(figures.exits), crashes: figures.crashes,
  duplicated, wallS: Number(wallS.toFixed(1)), ok: checks.every(([, ok]) => ok),
}));
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);

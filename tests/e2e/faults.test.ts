/**
 * The fault matrix: the CLI (in-process; Ctrl-C spawns it) against a real local OpenAI-compatible server that
 * misbehaves (tests/helpers/openai-server.ts). Each kind of bad reply or flaky server
 * happens once, and the game must still reach its turns; a server that never answers
 * in the format ends the game with one line, exit 1, the save as it was, and
 * `continue` afterwards works.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, cleanEnv, jsonEvents, tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { DEFAULT_REPLY, startOpenAIServer, validReply, type FakeServer, type Fault } from '../helpers/openai-server.js';
import { fold, mainLine, type JournalEvent, type TurnEvent } from '../../src/core/journal.js';
import { distReady } from '../helpers/dist.js';


const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

function tempHome(): string {
  const home = makeHome('pq-faults-');
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

async function server(opts: Parameters<typeof startOpenAIServer>[0] = {}): Promise<FakeServer> {
  const s = await startOpenAIServer(opts);
  cleanups.push(() => s.close());
  return s;
}

const saveFile = (home: string, slot: string) => join(home, 'saves', `${slot}.jsonl`);

/** The main line of a save: what `continue` would resume. */
function savedLine(home: string, slot: string): TurnEvent[] {
  const [, ...events] = readFileSync(saveFile(home, slot), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
  return mainLine(fold(events));
}

const stderrLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.trim() !== '');
const chatCount = (s: FakeServer) => s.requests.filter((r) => r.path === '/v1/chat/completions').length;

/** What must hold for every run: no stack trace, nothing a terminal would act on. */
function expectClean(r: CliResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(r.stdout + r.stderr).not.toMatch(/[\x1b\x07\x9b\x9d]/);
}

// ---------------------------------------------------------------------------
// Model text full of terminal tricks: clear screen, window title, clipboard (OSC 52), bell, 8-bit CSI.
const EVIL = '\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x9b31mred\x07';
const EVIL_REPLY = validReply({
  narration: `The lamp gutters.${EVIL} Then it steadies.`,
  choices: [`Run${EVIL}`, 'Wait', `\x1b[1mShout\x1b[0m`],
  image_prompt: `a guttering lamp${EVIL}`,
});

const WRONG_TYPES = JSON.stringify({ ...DEFAULT_REPLY, narration: 42, choices: 'Step into the cave', game_over: 'no' });

/** One kind of fault, as the server scripts it: the bad answer, then what it takes to recover. */
interface Kind {
  name: string;
  script: Fault[];
  /** Narration the player sees for that turn (the model's, sanitised). */
  narration?: string;
}

const OK: Fault = { kind: 'ok', reply: DEFAULT_REPLY };
const KINDS = {
  fenced: { name: 'fenced', script: [{ kind: 'fenced', reply: DEFAULT_REPLY }] },
  prose: { name: 'prose-wrapped', script: [{ kind: 'prose', reply: DEFAULT_REPLY }] },
  comma: { name: 'trailing comma', script: [{ kind: 'trailing-comma', reply: DEFAULT_REPLY }] },
  truncated: { name: 'truncated (finish_reason length)', script: [{ kind: 'truncated', reply: DEFAULT_REPLY }, OK] },
  types: { name: 'wrong types', script: [{ kind: 'raw', content: WRONG_TYPES }, OK] },
  refusal: { name: 'refusal once', script: [{ kind: 'refusal', text: 'I cannot narrate that.\x1b[2J' }, OK] },
  rate: { name: '429 with Retry-After', script: [{ kind: 'status', status: 429, retryAfter: 1 }, OK] },
  e500: { name: '500', script: [{ kind: 'status', status: 500, retryAfter: 0 }, OK] },
  e503: { name: '503', script: [{ kind: 'status', status: 503 }, OK] },
  slow: { name: 'slow (300 ms)', script: [{ kind: 'slow', delayMs: 300, reply: DEFAULT_REPLY }] },
  drop: { name: 'connection dropped mid-stream', script: [{ kind: 'drop', reply: DEFAULT_REPLY }, OK] },
  control: { name: 'control sequences', script: [{ kind: 'ok', reply: EVIL_REPLY }], narration: 'The lamp gutters.red Then it steadies.' },
  good: { name: 'no fault', script: [OK] },
} satisfies Record<string, Kind>;

interface Game {
  /** One kind per model turn (turns 2, 3, 4). */
  turns: [Kind, Kind, Kind];
  plain?: boolean;
  /** LM Studio style: json_schema answered with a 400 on every request. */
  rejectSchema?: boolean;
}

/**
 * Every kind misbehaves once in a 3-input game on rails. Three kinds share a game, one per
 * turn, so the whole matrix costs five CLI runs.
 */
const GAMES: Game[] = [
  { turns: [KINDS.fenced, KINDS.prose, KINDS.comma] },
  { turns: [KINDS.truncated, KINDS.types, KINDS.refusal], plain: true },
  { turns: [KINDS.rate, KINDS.e500, KINDS.e503] },
  { turns: [KINDS.slow, KINDS.drop, KINDS.control] },
  { turns: [KINDS.good, KINDS.good, KINDS.control], plain: true, rejectSchema: true },
];
const gameName = (g: Game) =>
  [...(g.rejectSchema ? ['response_format rejected'] : []), ...g.turns.filter((k) => k !== KINDS.good).map((k) => k.name)].join(', ') +
  (g.plain ? ' (plain output)' : ' (--json)');

describe('each fault once: a 3-input game on rails still reaches 4 turns', () => {
  it.each(GAMES.map((g) => ({ ...g, name: gameName(g) })))('$name', async (g) => {
    const s = await server(g.rejectSchema ? { rejectResponseFormats: ['json_schema'] } : {});
    s.enqueue(...g.turns.flatMap((k) => k.script));
    s.setFallback({ kind: 'raw', content: 'the test scripted too few replies' });
    const home = tempHome();
    const args = ['play', 'lighthouse', '--base-url', s.baseURL, '--model', 'm', '--slot', 'f', ...(g.plain ? [] : ['--json'])];
    const r = await runMain(args, { home, input: ['1', '1', '1'] });
    expectClean(r);
    expect(r.code, r.stderr).toBe(0);

    // The save: 4 turns on the main line, each telling what the model told once it behaved.
    const line = savedLine(home, 'f');
    expect(line.map((e) => e.input)).toEqual([null, '1', '1', '1']);
    const told = g.turns.map((k) => ('narration' in k ? k.narration : DEFAULT_REPLY.narration));
    expect(line.slice(1).map((e) => e.turn.narration)).toEqual(told);
    // Every scripted reply was used, and no more: the recoveries cost what they should.
    expect(chatCount(s)).toBe(g.turns.flatMap((k) => k.script).length + (g.rejectSchema ? 1 : 0));

    // What the player saw.
    if (g.plain) {
      expect(r.stdout).toContain('── Turn 4 ──');
      for (const text of told) expect(r.stdout).toContain(text);
    } else {
      const turns = jsonEvents(r.stdout).filter((e) => e.type === 'turn');
      expect(turns.map((e) => e.turn)).toEqual([1, 2, 3, 4]);
      expect(turns.slice(1).map((e) => e.narration)).toEqual(told);
    }
    if (g.turns.includes(KINDS.control)) expect(line[3]!.turn.image_prompt).toContain('a guttering lampred');
    if (g.rejectSchema) {
      // The step down is remembered (config cache): only the first call tried json_schema.
      expect(s.requests.map((q) => q.body?.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object', 'json_object']);
    }
  });
});

// ---------------------------------------------------------------------------
// Free play: no script, so the model's choices and state changes count.

function freePlayPack(): string {
  const dir = join(tempHome(), 'vault');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'pack.yaml'),
    [
      'id: vault',
      'title: The Vault',
      'version: "1"',
      'language: en',
      'state:',
      '  stats:',
      '    gold: { start: 0, min: 0, max: 100 }',
      '  flags:',
      '    door_open: false',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'system.md'), 'You narrate a short heist in a dwarven vault. Reply with JSON only.\n');
  return dir;
}

/** State changes as a model might send them: loosely typed. */
const changes = (c: Record<string, unknown[]>) => ({ add_items: [], remove_items: [], stats: [], flags: [], ...c });

describe('free play with faults: model choices and state changes', () => {
  it('keeps every change from the good replies and none from the bad ones; a refusal twice plays no turn', async () => {
    const s = await server();
    const opening = validReply({ narration: 'A vault door looms.', choices: ['Pick the lock', 'Knock'], state_changes: changes({ add_items: ['lantern'] }) });
    s.enqueue(
      { kind: 'fenced', reply: opening },
      // '1': wrong types, then the repaired reply
      { kind: 'raw', content: JSON.stringify({ ...opening, narration: 'Bad.', state_changes: changes({ stats: [{ name: 'gold', delta: 'lots' }] }) }) },
      { kind: 'ok', reply: validReply({ narration: 'Coins spill out.', choices: ['Take them', 'Leave'], state_changes: changes({ stats: [{ name: 'gold', delta: 5 }] }) }) },
      // 'rob the guards': refused twice, so shown as the narrator declining; no turn
      { kind: 'refusal', text: 'No.' },
      { kind: 'refusal', text: 'No heists, ever.\x1b]0;pwned\x07' },
      // 'push the door': a stream that drops halfway, then the reply again
      { kind: 'drop', reply: validReply({ narration: 'The door groans.', state_changes: changes({ stats: [{ name: 'gold', delta: 50 }] }) }) },
      { kind: 'ok', reply: validReply({ narration: 'The door swings open.', choices: ['Enter', 'Flee'], state_changes: changes({ flags: [{ name: 'door_open', value: true }] }) }) },
      // '2': terminal tricks in the model's own choices
      { kind: 'ok', reply: { ...EVIL_REPLY, state_changes: changes({ remove_items: ['lantern'], stats: [{ name: 'gold', delta: '+2' }] }) } },
    );
    s.setFallback({ kind: 'raw', content: 'the test scripted too few replies' });
    const home = tempHome();
    const r = await runMain(['play', freePlayPack(), '--base-url', s.baseURL, '--model', 'm', '--slot', 'v'], {
      home,
      input: ['1', 'rob the guards', 'push the door', '2'],
    });
    expectClean(r);
    expect(r.code, r.stderr).toBe(0);
    expect(chatCount(s)).toBe(8);

    const line = savedLine(home, 'v');
    expect(line.map((e) => e.input)).toEqual([null, '1', 'push the door', '2']);
    expect(line.map((e) => e.turn.narration)).toEqual(['A vault door looms.', 'Coins spill out.', 'The door swings open.', 'The lamp gutters.red Then it steadies.']);
    expect(line[3]!.turn.choices).toEqual(['Runred', 'Wait', 'Shout']);
    expect(line[3]!.state).toMatchObject({ inventory: [], stats: { gold: 7 }, flags: { door_open: true } });
    // What the player saw: the refusal as a notice, the clean choices, numbered.
    expect(r.stderr).toContain('The narrator declined: No heists, ever. (the turn was not played');
    expect(r.stdout).toMatch(/1\. Runred\n2\. Wait\n3\. Shout/);
  });
});

// ---------------------------------------------------------------------------
// When nothing works

/** The one error line of a failed run: the line itself, and that there is at most 3 of them. */
function expectFailure(r: CliResult, pattern: RegExp): void {
  expectClean(r);
  expect(r.code, r.stderr).toBe(1);
  const lines = stderrLines(r);
  expect(lines.length).toBeLessThanOrEqual(3);
  expect(lines.join('\n')).toMatch(pattern);
}

describe('when nothing works', () => {
  it('a server that never answers in the format: exit 1 with one line, the save exactly as before the failed turn, and continue works', async () => {
    const s = await server();
    s.setFallback({ kind: 'raw', content: 'Once upon a time, in prose, with no JSON at all.' });
    const home = tempHome();
    s.enqueue({ kind: 'ok', reply: DEFAULT_REPLY });
    const first = await runMain(['play', 'lighthouse', '--base-url', s.baseURL, '--model', 'm', '--slot', 'nv'], { home, input: ['1', '1', '1'] });
    expectFailure(first, /^promptquest: the model "m" did not answer in the expected format after 4 tries \(last problem: reply: no JSON object found.*promptquest continue/);
    expect(chatCount(s)).toBe(1 + 4);
    expect(savedLine(home, 'nv')).toHaveLength(2);

    const before = readFileSync(saveFile(home, 'nv'), 'utf8');
    const again = await runMain(['continue', 'nv'], { home, input: ['1'] });
    expectFailure(again, /did not answer in the expected format after 4 tries/);
    expect(readFileSync(saveFile(home, 'nv'), 'utf8')).toBe(before);

    // The server recovers; continue (same base URL and model, from the save) finishes the game's turns.
    s.setFallback({ kind: 'ok', reply: DEFAULT_REPLY });
    const resumed = await runMain(['continue', 'nv'], { home, input: ['1', '1'] });
    expectClean(resumed);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(savedLine(home, 'nv').map((e) => e.input)).toEqual([null, '1', '1', '1']);
  });

  const failures: { name: string; setup: (s: FakeServer, home: string) => Promise<string> | string; error: RegExp }[] = [
    {
      name: 'a 429 asking to wait an hour: not waited for',
      setup: (s) => {
        s.enqueue({ kind: 'status', status: 429, retryAfter: 3600 });
        return s.baseURL;
      },
      error: /rate-limiting requests \(HTTP 429\) and asks to wait 3600 s/,
    },
    {
      name: 'a silent server, with timeout 1 s: asked twice, then given up',
      setup: (s, home) => {
        writeFileSync(join(home, 'config.json'), JSON.stringify({ timeout: 1 }));
        s.enqueue({ kind: 'hang' }, { kind: 'hang' });
        return s.baseURL;
      },
      error: /sent nothing for 1 s \(2 tries\)/,
    },
  ];

  it.each(failures)('$name: exit 1, one line, the opening kept', async ({ setup, error }) => {
    const s = await server();
    const home = tempHome();
    const baseURL = await setup(s, home);
    const r = await runMain(['play', 'lighthouse', '--base-url', baseURL, '--model', 'm', '--slot', 'x'], { home, input: ['1'] });
    expectFailure(r, error);
    expect(stderrLines(r)).toHaveLength(1);
    expect(savedLine(home, 'x')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// Ctrl-C

describe('Ctrl-C during a request (SIGINT to the CLI reading a pipe)', () => {
  beforeAll(() => distReady(), 120_000); // these cases run the built CLI: wait for this run's build of dist/
  it('cancels the request, reads the next line, and a second Ctrl-C at the prompt exits 130 with the save intact', async () => {
    const s = await server();
    s.enqueue({ kind: 'hang' });
    const home = tempHome();
    const child = spawn(process.execPath, [BIN, 'play', 'lighthouse', '--base-url', s.baseURL, '--model', 'm', '--slot', 'c', '--json'], {
      cwd: ROOT,
      env: cleanEnv(home),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const until = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 10));
    };
    // Whole lines only: a chunk may end mid-event.
    const turnsShown = () => jsonEvents(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).filter((e) => e.type === 'turn').length;

    await until(() => turnsShown() === 1);
    child.stdin.write('1\n');
    await until(() => chatCount(s) === 1); // the server now holds the request
    child.kill('SIGINT');
    await until(() => stderr.includes('the turn was not played'));

    child.stdin.write('1\n'); // the game is back at the prompt: this one plays
    await until(() => turnsShown() === 2);
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(130);
    expectClean({ code, signal: null, stdout, stderr });
    expect(stderr).toContain('Interrupted. Every finished turn is saved; resume with: promptquest continue');
    expect(chatCount(s)).toBe(2);
    expect(savedLine(home, 'c').map((e) => e.input)).toEqual([null, '1']);
  });
});

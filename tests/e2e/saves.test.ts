/**
 * Saves through the CLI (in-process; spawned for kill -9 and Ctrl-C): kill -9 mid-turn, damaged and future saves, the format-1
 * migration, what the next model request holds after /undo /redo /retry and a fork,
 * replay byte for byte, and the saves commands. The spawned cases need the built CLI (the test run builds dist/ when src/ changed).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, cleanEnv, jsonEvents, ROOT, runCli, tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startOpenAIServer, validReply, type FakeServer, type RecordedRequest } from '../helpers/openai-server.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { fold, FORMAT_VERSION, mainLine } from '../../src/core/journal.js';
import { distReady } from '../helpers/dist.js';
import { displayWidth } from '../../src/adapters/ui/width.js';


const homes: string[] = [];
const servers: FakeServer[] = [];
function tempHome(): string {
  const home = makeHome('pq-saves-');
  homes.push(home);
  return home;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  homes.forEach((h) => rmSync(h, { recursive: true, force: true }));
});

/** A server whose k-th chat reply narrates "<<nk>>", so each request shows which replies it carries. */
async function markedServer(hangAt?: number): Promise<FakeServer> {
  let k = 0;
  const server = await startOpenAIServer({
    fallback: () => {
      const n = k++;
      return n === hangAt ? { kind: 'hang' } : { kind: 'ok', reply: validReply({ narration: `<<n${n}>> Rain hammers the glass.` }) };
    },
  });
  servers.push(server);
  return server;
}

const chats = (s: FakeServer): RecordedRequest[] => s.requests.filter((r) => r.path === '/v1/chat/completions');
const markers = (r: RecordedRequest | undefined): string[] => JSON.stringify(r?.body.messages ?? []).match(/<<n\d+>>/g) ?? [];
const stderrLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.trim() !== '');
const storeOf = (home: string) => new FileSaveStore(join(home, 'saves'));
const turnEvents = (stdout: string) => jsonEvents(stdout).filter((e) => e.type === 'turn');

const SAMPLES = join(ROOT, 'saves');
const SAMPLE_TEXT = readFileSync(join(SAMPLES, 'lighthouse-sample.jsonl'), 'utf8');
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'format1-lighthouse.jsonl');

describe('kill -9 in the middle of a turn', () => {
  beforeAll(() => distReady(), 120_000); // these cases run the built CLI: wait for this run's build of dist/
  it('keeps every finished turn, and `continue` goes on from them', async () => {
    const server = await markedServer(2);
    const home = tempHome();
    const child = spawn(process.execPath, [BIN, 'play', '--base-url', server.baseURL, '--model', 'm', '--slot', 'k', '--json'], {
      cwd: ROOT, env: cleanEnv(home), stdio: ['pipe', 'ignore', 'ignore'],
    });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.stdin.write('1\n1\n1\n'); // stdin stays open, like a player at the keyboard
    await vi.waitFor(() => expect(chats(server)).toHaveLength(3), { timeout: 10_000, interval: 20 });
    child.kill('SIGKILL'); // the third model request is still unanswered
    expect(await closed).toBe('SIGKILL');
    // kill -9 runs no exit handler: its lock is left behind, naming a process that is gone.
    const lock = `${storeOf(home).describe('k')}.lock`;
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: child.pid });

    const saved = await storeOf(home).load('k');
    expect(saved.warnings).toEqual([]);
    expect(mainLine(fold(saved.events)).map((e) => /<<n\d+>>/.exec(e.turn.narration)?.[0] ?? null)).toEqual([null, '<<n0>>', '<<n1>>']);

    const r = await runMain(['continue', 'k', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    expect(markers(chats(server)[3])).toEqual(['<<n0>>', '<<n1>>']);
    expect(turnEvents(r.stdout).map((e) => [e.turn, String(e.narration).slice(0, 6)])).toEqual([[3, '<<n1>>'], [4, '<<n3>>']]);
    expect(existsSync(lock)).toBe(false); // the stale lock was taken over, then let go
  });
});

describe('undo, redo, retry and fork: what the next model request holds', () => {
  const home = tempHome();
  let server: FakeServer;
  let played: CliResult;

  it('a /retry repeats the request; undone and unchosen replies never reach the model again', async () => {
    server = await markedServer();
    // r0: 1 | r1: /retry | r2: 1 | /undo | r3: 2 | /undo, /redo | r4: 1
    played = await runMain(['play', '--base-url', server.baseURL, '--model', 'm', '--slot', 't', '--json'], {
      home, input: ['1', '/retry', '1', '/undo', '2', '/undo', '/redo', '1'],
    });
    expect(played.code, played.stderr).toBe(0);
    const [r0, r1, r2, r3, r4, extra] = chats(server);
    expect(extra).toBeUndefined();
    expect(r1?.body.messages).toEqual(r0?.body.messages);
    expect(JSON.stringify(r1?.body.messages.at(-1))).toContain('## Player\\n\\"1. Climb the cliff path');
    expect(markers(r2)).toEqual(['<<n1>>']); // the retry's reply, not the first one
    expect(markers(r3)).toEqual(['<<n1>>']); // the undone <<n2>> is gone
    expect(JSON.stringify(r3?.body.messages.at(-1))).toContain('## Player\\n\\"2. Cut across the Hook');
    expect(markers(r4)).toEqual(['<<n1>>', '<<n3>>']); // redone
  });

  it('a fork --from-turn 2 sends only turns 1..2', async () => {
    const r = await runMain(['continue', 't', '--from-turn', '2', '--slot', 'f', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    const request = chats(server)[5];
    expect(markers(request)).toEqual(['<<n1>>']);
    expect(JSON.stringify(request?.body.messages)).toContain('Salt in your mouth'); // the authored opening, turn 1
    const fork = await storeOf(home).load('f');
    expect(fork.header.forked_from).toEqual({ slot: 't', turn: 2 });
    expect(mainLine(fold(fork.events))).toHaveLength(3);
  });

  it('replay --json prints the main line exactly as play --json showed it, without calling a model', async () => {
    // The main line as the player last saw it: the latest event for each turn number.
    const shown = new Map<unknown, Record<string, unknown>>();
    const events = turnEvents(played.stdout);
    for (const e of events) shown.set(e.turn, e);
    const line = [...shown.values()].filter((e) => Number(e.turn) <= Number(events.at(-1)?.turn));
    const before = server.requests.length;
    const r = await runMain(['replay', 't', '--json'], { home, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-x' } });
    expect(r.code, r.stderr).toBe(0);
    const replayed = turnEvents(r.stdout);
    expect(replayed).toEqual(line);
    replayed.forEach((e, i) => expect(e.narration).toBe(line[i]?.narration));
    expect(replayed.map((e) => String(e.narration).slice(0, 6))).toEqual(['Salt i', '<<n1>>', '<<n3>>', '<<n4>>']);
    expect(server.requests.length).toBe(before);
  });
});

describe('the bundled samples', () => {
  it('replay (not on a terminal: instant) shows a sample out of the box, every narration verbatim', async () => {
    const r = await runMain(['replay', 'lighthouse-sample', '--instant'], { home: tempHome() });
    expect(r.code, r.stderr).toBe(0);
    const sample = await new FileSaveStore(SAMPLES).load('lighthouse-sample');
    const line = mainLine(fold(sample.events));
    expect(line.length).toBeGreaterThan(5);
    for (const e of line) expect(r.stdout).toContain(e.turn.narration);
    expect(r.stdout).toContain('> 2. Search the wreck of your boat');
    expect(r.stdout).toContain('★ You won');
  });

  it('a Chinese sample replays with the interface in Chinese', async () => {
    const r = await runMain(['replay', 'ruins-sample', '--instant'], { home: tempHome() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('── 第 1 回合 ──');
    expect(r.stdout).toContain('★ 胜利');
  });

  it('plain `saves` lists them; `saves bogus` is an unknown subcommand (exit 2, one line)', async () => {
    const home = tempHome();
    const listed = await runMain(['saves'], { home });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('lighthouse-sample');
    const bogus = await runMain(['saves', 'bogus'], { home });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr.trim().split('\n')).toEqual([expect.stringContaining('unknown saves command "bogus"')]);
  });
});

describe('damaged, old and future saves; saves list, show and delete', () => {
  const home = tempHome();
  const saves = join(home, 'saves');
  const good = `${SAMPLE_TEXT.split('\n').slice(0, 6).join('\n')}\n`; // header + 5 events, not finished
  const file = (slot: string) => join(saves, `${slot}.jsonl`);
  const lines = good.split('\n');
  mkdirSync(saves, { recursive: true });
  // Copies of a sample under new names: each must go on under its own name.
  writeFileSync(file('good'), good);
  writeFileSync(file('broken'), [lines[0], lines[1], '{"type":"turn", gar', ...lines.slice(3)].join('\n'));
  writeFileSync(file('future'), [JSON.stringify({ ...JSON.parse(lines[0]!), format: 99 }), ...lines.slice(1)].join('\n'));
  writeFileSync(file('torn'), `${good}{"type":"turn","id":5,"parent":4,"inp`);
  copyFileSync(FIXTURE, file('old'));

  it('saves list --json: every save, damaged ones with a one-line problem, samples marked', async () => {
    const r = await runMain(['saves', 'list', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const rows = jsonEvents(r.stdout);
    const bySlot = new Map(rows.map((e) => [e.slot, e]));
    expect(bySlot.get('good')).toMatchObject({ type: 'save', sample: false, pack: 'lighthouse', turns: 5, ending: null });
    expect(bySlot.get('torn')).toMatchObject({ type: 'save', turns: 5 });
    expect(bySlot.get('old')).toMatchObject({ type: 'save', turns: 3 });
    expect(bySlot.get('broken')).toMatchObject({ type: 'damaged', problem: 'line 3: damaged save line (not JSON); nothing was changed' });
    expect(bySlot.get('future')).toMatchObject({ type: 'damaged' });
    expect(String(bySlot.get('future')?.problem)).toMatch(new RegExp(`format 99.*up to ${FORMAT_VERSION}`));
    expect(bySlot.get('lighthouse-sample')).toMatchObject({ type: 'save', sample: true, ending: { outcome: 'win' } });
    expect(bySlot.get('ruins-sample')).toMatchObject({ type: 'save', sample: true });
  });

  it('saves list: a table, damaged rows say why, samples under their own heading', async () => {
    const r = await runMain(['saves', 'list'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.find((l) => l.trimStart().startsWith('broken '))).toMatch(/DAMAGED: line 3: damaged save line/);
    expect(out.find((l) => l.trimStart().startsWith('good '))).toMatch(/good\s+lighthouse\s+5\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+—/);
    const heading = out.findIndex((l) => l.startsWith('Sample games'));
    expect(heading).toBeGreaterThan(0);
    expect(out.findIndex((l) => l.includes('lighthouse-sample'))).toBeGreaterThan(heading);
  });

  it('saves show: header facts and the main line in short', async () => {
    const r = await runMain(['saves', 'show', 'good'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pack:\s+lighthouse 1\.0\.0/m);
    expect(r.stdout).toMatch(/^turns:\s+5 on the main line/m);
    expect(r.stdout).toContain('> 2. Search the wreck of your boat');
  });

  it('continue of a save with a garbage middle line: exit 2, one line, the file unchanged', async () => {
    const before = readFileSync(file('broken'));
    const r = await runMain(['continue', 'broken'], { home, input: ['1'] });
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/broken\.jsonl:3: damaged save line \(not JSON\)/);
    expect(readFileSync(file('broken')).equals(before)).toBe(true);
  });

  it('continue of a save from a future format: exit 2 naming both versions, the file unchanged', async () => {
    const before = readFileSync(file('future'));
    const r = await runMain(['continue', 'future'], { home, input: ['1'] });
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`save format 99; this version reads formats up to ${FORMAT_VERSION}`));
    expect(readFileSync(file('future')).equals(before)).toBe(true);
  });

  // A file cut anywhere is covered on the store itself (tests/unit/journal-store.test.ts).
  it('continue of a file with a torn last line: a warning, the game goes on, the next turn repairs the file', async () => {
    const r = await runMain(['continue', 'torn', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/incomplete last line/g)).toHaveLength(1);
    const after = await storeOf(home).load('torn');
    expect(after.warnings).toEqual([]);
    expect(after.events).toHaveLength(6);
    // The events are kept byte for byte; the header is rewritten in the current format (a format-2 file).
    const body = (text: string) => text.slice(text.indexOf('\n') + 1);
    expect(body(readFileSync(file('torn'), 'utf8')).startsWith(body(good))).toBe(true);
    expect(existsSync(file('lighthouse-sample'))).toBe(false); // the slot is the file name, not the header's
  });

  it('continue of a format-1 save: migrated, rewritten after a byte-exact backup, and played on', async () => {
    const r = await runMain(['continue', 'old', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(`${file('old')}.bak`).equals(readFileSync(FIXTURE))).toBe(true);
    const now = readFileSync(file('old'), 'utf8').trimEnd().split('\n');
    expect(JSON.parse(now[0]!)).toMatchObject({ format: FORMAT_VERSION, pack: { id: 'lighthouse', dir: null } });
    expect(now).toHaveLength(readFileSync(FIXTURE, 'utf8').trimEnd().split('\n').length + 1);
  });

  it('saves delete: --yes required without a terminal; samples cannot be deleted', async () => {
    const refused = await runMain(['saves', 'delete', 'good'], { home });
    expect(refused.code).toBe(2);
    expect(stderrLines(refused)).toEqual([expect.stringMatching(/not deleting "good".*--yes/)]);
    expect(existsSync(file('good'))).toBe(true);

    const done = await runMain(['saves', 'delete', 'good', '--yes'], { home });
    expect(done.code, done.stderr).toBe(0);
    expect(existsSync(file('good'))).toBe(false);

    const sample = await runMain(['saves', 'delete', 'lighthouse-sample', '--yes'], { home });
    expect(sample.code).toBe(2);
    expect(existsSync(join(SAMPLES, 'lighthouse-sample.jsonl'))).toBe(true);
  });

  it('bad slot names (../x, control characters) exit 2 with one line', async () => {
    for (const args of [['replay', '../x'], ['saves', 'delete', 'a\u0001b', '--yes']]) {
      const r = await runMain(args, { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(stderrLines(r)).toEqual([expect.stringMatching(/^promptquest: bad slot name/)]);
    }
  });
});

describe('two processes on one slot', () => {
  beforeAll(() => distReady(), 120_000); // these cases run the built CLI: wait for this run's build of dist/
  it('while this process holds the slot, continue and saves delete are refused (exit 2) and the file is unchanged byte for byte', async () => {
    const home = tempHome();
    expect((await runMain(['play', '--slot', 'held'], { home, input: ['1'] })).code).toBe(0);
    const file = storeOf(home).describe('held');
    const before = readFileSync(file);
    const lock = await storeOf(home).lock('held');
    try {
      for (const args of [['continue', 'held'], ['saves', 'delete', 'held', '--yes']]) {
        const r = await runCli(args, { home, input: ['1', '1'] });
        expect(r.code, args.join(' ')).toBe(2);
        expect(stderrLines(r)).toEqual([`promptquest: slot "held" is open in another PromptQuest (pid ${process.pid}); nothing was changed`]);
        expect(readFileSync(file).equals(before)).toBe(true);
      }
    } finally {
      lock.release();
    }
  });

  it('the second is refused naming the first (exit 2) and changes nothing; Ctrl-C (130) lets the lock go', async () => {
    const home = tempHome();
    const first = spawn(process.execPath, [BIN, 'play', '--slot', 'race', '--json'], { cwd: ROOT, env: cleanEnv(home), stdio: ['pipe', 'pipe', 'ignore'] });
    const closed = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)));
    let out = '';
    first.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    // stdin stays open: the first game waits at its first choice, holding the slot.
    await vi.waitFor(() => expect(out).toContain('"type":"turn"'), { timeout: 10_000, interval: 20 });
    const file = storeOf(home).describe('race');
    const before = readFileSync(file);

    const second = await runMain(['continue', 'race'], { home, input: ['1', '1'] });
    expect(second.code).toBe(2);
    expect(stderrLines(second)).toEqual([`promptquest: slot "race" is open in another PromptQuest (pid ${first.pid}); nothing was changed`]);
    expect(readFileSync(file).equals(before)).toBe(true);

    first.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect((await storeOf(home).load('race')).events).toHaveLength(1);
  });
});

describe('the saves commands in Chinese', () => {
  it('a Chinese game\'s save is listed, shown and deleted in Chinese; `config set language zh` makes the list Chinese too, and en keeps it English', async () => {
    const home = tempHome();
    const play = await runMain(['play', 'ruins', '--slot', '遗迹之旅'], { home, input: ['1'] });
    expect(play.code, play.stderr).toBe(0);

    // The save is about a Chinese pack: show speaks its language, whatever LANG says.
    const show = await runMain(['saves', 'show', '遗迹之旅'], { home });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^存档：\s+遗迹之旅$/m);
    expect(show.stdout).toMatch(/^叙述者：\s+离线（故事包里写好的剧本）$/m);
    expect(show.stdout).toMatch(/^回合：\s+主线 2 回合$/m);
    expect(show.stdout).toMatch(/^结局：\s+—（尚未结束）$/m);
    expect(show.stdout).toContain('\n主线：\n');
    // The labels line up by display width: every value starts in the same column.
    const columns = show.stdout.split('\n\n')[0]!.split('\n').map((l) => displayWidth(l.slice(0, l.search(/：\s+\S/) + 1)) + (l.match(/：(\s+)/)?.[1]?.length ?? 0));
    expect(new Set(columns).size).toBe(1);

    // The list has no one pack: LANG (C.UTF-8 in tests: English) decides, unless the config says zh.
    const english = await runMain(['saves', 'list'], { home });
    expect(english.stdout).toContain('SLOT');
    writeFileSync(join(home, 'config.json'), JSON.stringify({ language: 'zh' }));
    const list = await runMain(['saves', 'list'], { home });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/里的存档（接着玩：promptquest continue <存档名>）：/);
    expect(list.stdout).toMatch(/^ {2}存档\s+故事包\s+回合\s+最后游玩\s+结局$/m);
    // Headings and rows share their columns (by display width, a Chinese heading counts two a character).
    const rows = list.stdout.split('\n');
    const heading = rows.find((l) => l.startsWith('  存档'))!;
    const mine = rows.find((l) => l.startsWith('  遗迹之旅'))!;
    const columnOf = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(columnOf(mine, 'ruins')).toBe(columnOf(heading, '故事包'));
    expect(columnOf(mine, `${new Date().getFullYear()}-`)).toBe(columnOf(heading, '最后游玩'));
    expect(list.stdout).toContain('自带的示例游戏，只读（重看：promptquest replay <存档名>）：');
    expect(list.stdout).not.toMatch(/SLOT|TURNS|Saved games|Sample games/);

    const del = await runMain(['saves', 'delete', '遗迹之旅', '--yes'], { home });
    expect(del.stdout).toBe('删除了存档“遗迹之旅”。\n');
    expect((await runMain(['saves', 'list'], { home })).stdout).toMatch(/里还没有存档。开一局：promptquest play/);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ language: 'en' }));
    expect((await runMain(['saves', 'list'], { home })).stdout).toMatch(/^No saved games yet in /);
  });
});

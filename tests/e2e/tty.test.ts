/**
 * The interactive terminal, in a real pseudo-terminal: tmux runs the built CLI and the
 * test reads the screen and presses keys. Waits poll the screen; no fixed sleeps.
 * Runs the built CLI (the test run builds dist/ first when src/ changed) and tmux: skipped with a reason without it,
 * except in CI (CI set), where a missing tmux fails (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, cleanEnv, tempHome } from '../helpers/cli.js';
import { startOpenAIServer, validReply } from '../helpers/openai-server.js';
import { distReady } from '../helpers/dist.js';

// This file runs the built CLI: wait for this run's build of dist/ (started by vitest's globalSetup).
beforeAll(() => distReady(), 120_000);

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const inCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
/** In CI the terminal tests always run: without tmux they fail, saying so, rather than skip quietly. */
const skipTty = !hasTmux && !inCi;
const SOCKET = `pq-tty-${process.pid}-${Date.now().toString(36)}`;
/** The tmux session the helpers below act on. */
let SESSION = 'pq';
const home = tempHome('pq-tty-');
/** The server's socket file, which kill-server leaves behind. */
let socketPath: string | null = null;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-f', '/dev/null', '-L', SOCKET, ...args], { env: cleanEnv(home), encoding: 'utf8' });
  if (r.error) throw new Error(`tmux cannot run (${r.error.message}); the terminal tests need it (.ci/run installs it with apt-get)`);
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', SESSION, '-S', '-300');
const press = (...keys: string[]): void => void tmux('send-keys', '-t', SESSION, ...keys);
const type = (text: string): void => void tmux('send-keys', '-t', SESSION, '-l', text);

/** Poll the screen until it matches; fail with what was on screen. */
async function waitFor(pattern: RegExp, what: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what} (${String(pattern)}); the screen shows:\n${last}`);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  if (socketPath) rmSync(socketPath, { force: true });
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(skipTty)('interactive play in a real terminal (tmux; skipped when `tmux -V` fails, except in CI)', () => {
  it('name prompt, a number key picks a choice, arrows move, typed text is free text, /quit saves', async () => {
    const command = ['env', `PROMPTQUEST_HOME=${quote(home)}`, 'NO_COLOR=1', quote(process.execPath), quote(BIN), 'play', 'lighthouse', '--slot', 't1'].join(' ');
    tmux('new-session', '-d', '-s', SESSION, '-x', '110', '-y', '50', '-c', ROOT, command);
    socketPath = tmux('display-message', '-p', '-t', SESSION, '#{socket_path}').trim() || null;
    tmux('set-option', '-t', SESSION, 'remain-on-exit', 'on');

    await waitFor(/What is your name, apprentice\?/, 'the name prompt');
    press('Enter'); // keep the default name
    await waitFor(/What do you do\?[\s\S]*❯ 1\. Climb the cliff path/, 'the first menu');

    press('2'); // a number key moves to that choice...
    await waitFor(/❯ 2\. Search the wreck of your boat/, 'choice 2 selected by its number');
    press('Enter'); // ...and Enter takes it
    const turn2 = await waitFor(/── Turn 2 ──[\s\S]*❯ 1\. Sling the rope/, 'turn 2 and its menu');
    expect(turn2).toContain('The hull is stove in');

    press('Down'); // arrows move the highlight...
    await waitFor(/❯ 2\. Leave the rope/, 'the highlight on choice 2');
    type('I whistle a sea shanty'); // ...but typed text goes to the line, never to a choice
    await waitFor(/^> I whistle a sea shanty/m, 'the typed text on the input line');
    press('Enter');
    await waitFor(/── Turn 3 ──[\s\S]*What do you do\?/, 'turn 3, played from the free text');
    type('/quit');
    press('Enter');
    await waitFor(/Saved as "t1"/, 'the goodbye line');

    const save = join(home, 'saves', 't1.jsonl');
    expect(existsSync(save)).toBe(true);
    const events = readFileSync(save, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; input?: string | null; state?: { scene: string } });
    expect(events[0]?.type).toBe('header');
    const turns = events.filter((e) => e.type === 'turn');
    expect(turns.map((t) => t.input)).toEqual([null, '2', 'I whistle a sea shanty']);
    expect(turns.slice(0, 2).map((t) => t.state?.scene)).toEqual(['shore', 'boat']);
  });
});

describe.skipIf(skipTty)('model narration streamed to a real terminal (tmux)', () => {
  it('a stream that drops halfway is wiped and told again: the screen never shows the lost text', async () => {
    const server = await startOpenAIServer();
    try {
      const lost = `Alpha ${'lostword '.repeat(40)}end.`;
      const kept = 'Bravo: the cliff path is slick with rain, and the tower waits above you.';
      server.enqueue({ kind: 'drop', reply: validReply({ narration: lost }) }, { kind: 'ok', reply: validReply({ narration: kept }) });
      SESSION = 'pq-stream';
      const command = ['env', `PROMPTQUEST_HOME=${quote(home)}`, 'NO_COLOR=1', quote(process.execPath), quote(BIN), 'play', 'lighthouse', '--slot', 't2', '--base-url', quote(server.baseURL), '--model', 'm'].join(' ');
      tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '60', '-c', ROOT, command);
      socketPath = tmux('display-message', '-p', '-t', SESSION, '#{socket_path}').trim() || null;
      tmux('set-option', '-t', SESSION, 'remain-on-exit', 'on');

      await waitFor(/What is your name, apprentice\?/, 'the name prompt');
      press('Enter');
      await waitFor(/What do you do\?[\s\S]*❯ 1\. Climb the cliff path/, 'the first menu');
      press('Enter'); // choice 1: the model narrates turn 2 on rails
      const shown = await waitFor(/Bravo: the cliff path[\s\S]*What do you do\?/, 'the retold turn and the next menu');
      expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2);
      // The partial text was streamed (the test fails when the ui's wipes are disabled), then wiped.
      expect(shown).not.toContain('lostword');
      expect(shown.match(/── Turn 2 ──/g)).toHaveLength(1);
      type('/quit');
      press('Enter');
      await waitFor(/Saved as "t2"/, 'the goodbye line');
    } finally {
      await server.close();
    }
  });
});

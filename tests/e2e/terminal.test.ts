/**
 * Issue 11 in a real pseudo-terminal: tmux runs the built CLI, the test reads the screen and
 * presses keys. Three sessions: a model whose reply trickles in (status line, typed keys held,
 * a cancelled request's messages kept), a server that fails then recovers (try again in
 * place), and an offline game to an ending (continue the story, typed text answered, /new
 * asks, a long paste, history). Waits poll the screen with explicit deadlines; the trickling
 * reply is held by the server until the test lets it go, not timed.
 * Runs the built CLI (the test run builds dist/ first when src/ changed) and tmux (skipped with a reason without it).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { startOpenAIServer, validReply } from '../helpers/openai-server.js';
import { startTrickleServer } from '../helpers/trickle-server.js';
import { distReady } from '../helpers/dist.js';
import { skipTmux, TmuxServer } from '../helpers/tmux.js';

// This file runs the built CLI: wait for this run's build of dist/ (started by vitest's globalSetup).
beforeAll(() => distReady(), 120_000);

const home = tempHome('pq-term-');
const tmux = new TmuxServer('term', home);

/** One game in its own tmux session, 100 columns; its exit code is printed when it ends. */
const session = (name: string, args: string[]) => tmux.pane(name, args, { columns: 100, sayExit: true });

const turns = (slot: string) =>
  readFileSync(join(home, 'saves', `${slot}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; input?: string | null; turn?: { narration: string } }).filter((e) => e.type === 'turn');

afterAll(() => {
  tmux.kill();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(skipTmux)('the terminal game (tmux; skipped when `tmux -V` fails, except in CI)', { timeout: 60_000 }, () => {
  it('a slow stream: banner, status line with the scene and a changed stat, typed keys held for the prompt, a cancelled request stays told', async () => {
    const narration = 'Rain runs down the cliff path in sheets while you climb, and the wind keeps trying to pull you off the stone steps toward the sea.';
    // Each reply stops a few words into the narration until the test lets it go on.
    const server = await startTrickleServer(() => validReply({ narration }), { everyMs: 5, chunk: 8, holdAfter: 'Rain runs down' });
    try {
      const s = session('stream', ['play', 'lighthouse', '--slot', 'slow', '--base-url', server.baseURL, '--model', 'm']);
      await s.waitFor(/What is your name, apprentice\?/, 'the name prompt');
      s.press('Enter');
      const first = await s.waitFor(/❯ 1\. Climb the cliff path/, 'the first menu');
      // The banner: who narrates, where (the URL as given, nothing secret in it), and the window.
      expect(first).toMatch(new RegExp(`Model m on ${server.baseURL.replace(/[.]/g, '\\.')} · window [\\d,]+ tokens`));
      expect(first).toMatch(/Last Light on Gullscar · The shore · Turn 1 · Warmth 5\/5 · Resolve 3\/10 · 1 item/);

      s.press('Enter'); // choice 1: the model retells the climb, and its reply is held halfway
      await s.waitFor(/── Turn 2 ──\s+Rain runs/, 'the narration starting to stream');
      s.type('xyz'); // typed while the reply is still arriving
      // tmux has handed the keys to the terminal when send-keys returns. The one pause in this
      // file: time for the game to read them while the reply is held, and to show them if it
      // wrongly would; then the reply goes on.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(s.screen()).not.toContain('xyz');
      expect(server.chats).toBe(1);
      server.release();
      const told = await s.waitFor(/toward the sea\.[\s\S]*What do you do\?[\s\S]*^> xyz/m, 'turn 2 told, with the typed keys on the input line');
      const story = told.slice(told.indexOf('── Turn 2 ──'), told.lastIndexOf('What do you do?'));
      expect(story).not.toContain('xyz');
      expect(story).toContain(narration.slice(0, 40));
      // The change line after the narration, and the status line with the new scene and the stat.
      expect(story).toMatch(/^Warmth 5 → 4$/m);
      expect(story).toMatch(/The cliff path · Turn 2 · Warmth 4\/5/);

      s.press('BSpace', 'BSpace', 'BSpace', 'Enter'); // choice 1 again: held halfway, and cancelled there
      await s.waitFor(/── Turn 3 ──\s+Rain/, 'turn 3 streaming');
      s.press('C-c');
      await s.waitFor(/Request cancelled; the turn was not played\.[\s\S]*What do you do\?/, 'the prompt back after the cancel');
      s.press('Down'); // the prompt redraws: the messages above it must stay
      const after = await s.waitFor(/❯ 2\. Cut across the Hook/, 'the redrawn prompt');
      expect(after).toMatch(/Cancelling the request… \(Ctrl-C again to quit\)/);
      expect(after).toMatch(/Request cancelled; the turn was not played\./);
      expect(after).not.toMatch(/── Turn 3 ──/); // the heading of a turn that was not played goes
      s.type('/quit');
      s.press('Enter');
      await s.waitFor(/Saved as "slow"/, 'the goodbye line');
      expect(turns('slow').map((t) => t.input)).toEqual([null, '1']);
    } finally {
      await server.close();
    }
  });

  it('a server that fails, then recovers: the turn is tried again from the menu, without leaving the game; quitting there says where the game is, once', async () => {
    const server = await startOpenAIServer();
    const fail = { kind: 'status' as const, status: 500, retryAfter: 0 };
    server.enqueue(fail, fail, fail); // every attempt of the first request
    try {
      const s = session('retry', ['play', 'lighthouse', '--slot', 'flaky', '--base-url', server.baseURL, '--model', 'm']);
      await s.waitFor(/What is your name, apprentice\?/, 'the name prompt');
      s.press('Enter');
      await s.waitFor(/❯ 1\. Climb the cliff path/, 'the first menu');
      s.press('Enter');
      const failed = await s.waitFor(/❯ Try again/, 'the try again / quit menu');
      expect(failed).toMatch(/^The turn could not be played: the model server at .* answered HTTP 500/m);
      expect(failed).toContain('Quit (the game is saved)');
      // What to do about it is on that line too: quitting here prints no second one.
      expect(failed).toMatch(/answered HTTP 500\s+after 3 attempts: [\s\S]* — try again later\s+\(promptquest continue\), or another --model or --base-url\./);
      s.press('Enter'); // try again
      await s.waitFor(/── Turn 2 ──\s+You stand at the mouth of a moss-covered cave[\s\S]*What do you do\?/, 'turn 2, played on the second try');
      expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(4);
      // The next turn fails too, and this time the player quits at the menu: the failure was
      // read there, so the last lines say where the game is saved, not the failure once more.
      server.enqueue(fail, fail, fail);
      s.press('Enter');
      await s.waitFor(/^The turn could not be played[\s\S]*^The turn could not be played[\s\S]*❯ Try again/m, 'the menu after the second failure');
      s.press('Down', 'Enter');
      const end = await s.waitFor(/^\[exit 1\]$/m, 'the game ending with exit 1');
      const afterMenu = end.slice(end.lastIndexOf('Quit (the game is saved)'));
      expect(afterMenu).toMatch(/Saved as "flaky"\. Resume with: promptquest continue flaky/);
      expect(afterMenu).not.toMatch(/HTTP 500|promptquest: /);
      expect(turns('flaky').map((t) => t.input)).toEqual([null, '1']);
    } finally {
      await server.close();
    }
  });

  it('offline to an ending, --no-status: a long paste is capped, Up recalls, "continue the story" tells the epilogue, typed text is answered, /new asks', async () => {
    const s = session('ending', ['play', 'lighthouse', '--slot', 'end', '--no-status']);
    await s.waitFor(/What is your name, apprentice\?/, 'the name prompt');
    s.press('Enter');
    const opening = await s.waitFor(/❯ 1\. Climb the cliff path/, 'the first menu');
    expect(opening).not.toMatch(/· Turn 1 ·/); // --no-status
    expect(opening).toContain('Offline: the authored script narrates');

    s.type('word '.repeat(420)); // 2,100 characters in one paste
    await s.waitFor(/Input is limited to 2,000 characters; the rest was not taken\./, 'the length notice');
    // The line holds 2,000 characters (400 words; the prompt breaks it into rows), no more.
    const words = (text: string) => text.replace(/\n/g, '').match(/word/g)?.length ?? 0;
    const capped = await s.waitUntil((text) => words(text) >= 400, 'the capped line');
    expect(words(capped)).toBe(400);
    s.press('C-u');
    s.type('shout for help');
    s.press('Enter');
    await s.waitFor(/── Turn 2 ──\s+You cup your hands/, 'the shout, played');
    s.type('z');
    s.press('Up'); // with text on the line, Up brings back what was sent
    await s.waitFor(/^> shout for help$/m, 'the line from history');
    s.press('C-u');

    for (const [choice, scene] of [['1', /── Turn 3 ──/], ['2', /── Turn 4 ──/], ['2', /── Turn 5 ──[\s\S]*The story has ended\./]] as const) {
      s.type(choice);
      s.press('Enter');
      await s.waitFor(scene, `the turn after choice ${choice}`);
    }
    const ended = await s.waitFor(/❯ 1\. Continue the story/, 'the ending menu');
    expect(ended).toContain('4. Start a new game');
    s.type('7');
    s.press('Enter'); // a number the ending menu does not have: said so, and the menu again (not leaving)
    await s.waitFor(/There is no choice 7: type a number from 1 to 4[\s\S]*❯ 1\. Continue the story/, 'the hint at the ending menu');
    s.press('Enter'); // continue the story: offline, the pack's epilogue
    await s.waitFor(/── Turn 6 ──\s+The brig breaks on the Teeth/, 'the epilogue as a further turn');

    s.type('I look out at the sea');
    s.press('Enter'); // typed text at the ending is answered
    await s.waitFor(/The epilogue has been told: the story ends here/, 'the answer to typed text');

    s.type('/new');
    s.press('Enter');
    await s.waitFor(/Leave this game \(it stays saved\) and start a new one\?[\s\S]*❯ No/, 'the question before /new');
    s.press('Enter'); // no: still in this game
    await s.waitFor(/❯ 1\. Continue the story[\s\S]*$/, 'the ending menu again');
    s.type('2'); // leave
    s.press('Enter');
    await s.waitFor(/Saved as "end" \(finished\)/, 'the goodbye line');
    const played = turns('end');
    expect(played.map((t) => t.input)).toEqual([null, 'shout for help', '1', '2', '2', '(continue the story)']);
    expect(played.at(-1)?.turn?.narration).toMatch(/^The brig breaks on the Teeth/);
  });
});

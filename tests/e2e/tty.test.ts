/**
 * The interactive terminal, in a real pseudo-terminal: tmux runs the built CLI and the
 * test reads the screen and presses keys. Waits poll the screen; no fixed sleeps.
 * Runs the built CLI (the test run builds dist/ first when src/ changed) and tmux: skipped with a reason without it,
 * except in CI (CI set), where a missing tmux fails (.ci/run installs it).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { startOpenAIServer, validReply } from '../helpers/openai-server.js';
import { distReady } from '../helpers/dist.js';
import { skipTmux, TmuxServer } from '../helpers/tmux.js';

// This file runs the built CLI: wait for this run's build of dist/ (started by vitest's globalSetup).
beforeAll(() => distReady(), 120_000);

const home = tempHome('pq-tty-');
const tmux = new TmuxServer('tty', home);

afterAll(() => {
  tmux.kill();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(skipTmux)('interactive play in a real terminal (tmux; skipped when `tmux -V` fails, except in CI)', { timeout: 60_000 }, () => {
  it('name prompt, a number key picks a choice, arrows move, typed text is free text, /quit saves', async () => {
    const pane = tmux.pane('pq', ['play', 'lighthouse', '--slot', 't1'], { columns: 110 });

    await pane.waitFor(/What is your name, apprentice\?/, 'the name prompt');
    pane.press('Enter'); // keep the default name
    await pane.waitFor(/What do you do\?[\s\S]*❯ 1\. Climb the cliff path/, 'the first menu');

    pane.press('2'); // a number key moves to that choice...
    await pane.waitFor(/❯ 2\. Search the wreck of your boat/, 'choice 2 selected by its number');
    pane.press('Enter'); // ...and Enter takes it
    const turn2 = await pane.waitFor(/── Turn 2 ──[\s\S]*❯ 1\. Sling the rope/, 'turn 2 and its menu');
    expect(turn2).toContain('The hull is stove in');

    pane.press('Down'); // arrows move the highlight...
    await pane.waitFor(/❯ 2\. Leave the rope/, 'the highlight on choice 2');
    pane.type('I whistle a sea shanty'); // ...but typed text goes to the line, never to a choice
    await pane.waitFor(/^> I whistle a sea shanty/m, 'the typed text on the input line');
    pane.press('Enter');
    await pane.waitFor(/── Turn 3 ──[\s\S]*What do you do\?/, 'turn 3, played from the free text');
    pane.type('/quit');
    pane.press('Enter');
    await pane.waitFor(/Saved as "t1"/, 'the goodbye line');

    const save = join(home, 'saves', 't1.jsonl');
    expect(existsSync(save)).toBe(true);
    const events = readFileSync(save, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; input?: string | null; state?: { scene: string } });
    expect(events[0]?.type).toBe('header');
    const turns = events.filter((e) => e.type === 'turn');
    expect(turns.map((t) => t.input)).toEqual([null, '2', 'I whistle a sea shanty']);
    expect(turns.slice(0, 2).map((t) => t.state?.scene)).toEqual(['shore', 'boat']);
  });
});

describe.skipIf(skipTmux)('model narration streamed to a real terminal (tmux)', { timeout: 60_000 }, () => {
  it('a stream that drops halfway is wiped and told again: the screen never shows the lost text', async () => {
    const server = await startOpenAIServer();
    try {
      const lost = `Alpha ${'lostword '.repeat(40)}end.`;
      const kept = 'Bravo: the cliff path is slick with rain, and the tower waits above you.';
      server.enqueue({ kind: 'drop', reply: validReply({ narration: lost }) }, { kind: 'ok', reply: validReply({ narration: kept }) });
      const pane = tmux.pane('pq-stream', ['play', 'lighthouse', '--slot', 't2', '--base-url', server.baseURL, '--model', 'm'], { columns: 100, rows: 60 });

      await pane.waitFor(/What is your name, apprentice\?/, 'the name prompt');
      pane.press('Enter');
      await pane.waitFor(/What do you do\?[\s\S]*❯ 1\. Climb the cliff path/, 'the first menu');
      pane.press('Enter'); // choice 1: the model narrates turn 2 on rails
      const shown = await pane.waitFor(/Bravo: the cliff path[\s\S]*What do you do\?/, 'the retold turn and the next menu');
      expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2);
      // The partial text was streamed (the test fails when the ui's wipes are disabled), then wiped.
      expect(shown).not.toContain('lostword');
      expect(shown.match(/── Turn 2 ──/g)).toHaveLength(1);
      pane.type('/quit');
      pane.press('Enter');
      await pane.waitFor(/Saved as "t2"/, 'the goodbye line');
    } finally {
      await server.close();
    }
  });
});

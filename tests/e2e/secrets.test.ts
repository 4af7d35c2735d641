/**
 * Riddle answers never reach a model. A pack whose answers are unique made-up tokens is
 * played with the CLI (in-process) against a real local OpenAI-compatible server through the
 * riddle (a wrong answer, the right one, /retry of the right one, more turns); the raw
 * JSON of every request the server received must hold none of the answers. `pack preview`
 * must not show them either.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvents, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { isIntentCall, startOpenAIServer, type FakeServer } from '../helpers/openai-server.js';

/** Every accepted answer of every riddle in the pack, including one never reached. */
const SECRETS = ['zephyrquill', 'zephyr-quill', '翠羽笔', 'glimmerwick'];
const WRONG = 'a feather duster';

const PACK = {
  'pack.yaml': `id: sphinx
title: The Sphinx of the Vault
version: "1.0.0"
language: en
system: system.md
script: script.yaml
state:
  flags: { answered: false }
`,
  'system.md': 'You narrate "{{pack.title}}". Never judge answers yourself.\n',
  'script.yaml': `start: sphinx
scenes:
  sphinx:
    text: A sphinx of green bronze blocks the vault door and speaks.
    choices:
      - text: Look at the carvings
        say: The carvings show birds, pens and the wind.
      - text: Walk away
        goto: outside
    riddle:
      question: '"I fly without wings and write without hands. What am I?"'
      answers: [zephyrquill, zephyr-quill, 翠羽笔]
      success:
        say: The sphinx bows and the door grinds open.
        goto: vault
        effects: { flags: { answered: true } }
      failure:
        say: The sphinx's eyes flash red. "No."
  vault:
    text: Gold glimmers in the vault. A second door stands at the back.
    choices:
      - text: Open the second door
        goto: inner
      - text: Take a coin and leave
        goto: outside
  inner:
    text: A mirror asks you a question of its own.
    choices:
      - text: Turn back
        goto: vault
      - text: Leave the vault
        goto: outside
    riddle:
      question: '"What burns without fire in the dark?"'
      answers: [glimmerwick]
      success: { goto: outside }
      failure: { say: The mirror stays dark. }
  outside:
    text: You stand outside in the sun.
    ending: { outcome: end, reason: You left the vault. }
`,
};

let dir = '';
let home = '';
let server: FakeServer;

beforeAll(async () => {
  home = tempHome('pq-secrets-');
  dir = join(home, 'sphinx');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(PACK)) writeFileSync(join(dir, name), text);
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.toLowerCase(), `"${secret}" in ${where}`).not.toContain(secret.toLowerCase());
}

describe('riddle answers never reach a model', () => {
  it('no request body holds an answer: wrong answer, right answer, /retry, more turns', async () => {
    const inputs = [WRONG, 'zephyrquill', '/retry', '1', '/retry', '/undo', '/undo', 'ZEPHYR-QUILL!', '1', '2'];
    const r = await runMain(['play', dir, '--provider', 'openai', '--base-url', server.baseURL, '--model', 'fake-model', '--json'], { home, input: inputs });
    expect(r.stderr).not.toContain('    at ');
    expect(r.code).toBe(0);

    const chats = server.requests.filter((q) => q.path === '/v1/chat/completions');
    // wrong, right, retry, "1", retry, right again (after two undos), "1", "2": one request each,
    // and the intent call that read the wrong answer first (a right answer is never sent to be read).
    expect(chats).toHaveLength(9);
    expect(chats.filter(isIntentCall)).toHaveLength(1);
    chats.forEach((q, i) => expectNoSecret(JSON.stringify(q.body), `request ${i + 1}`));

    // The requests did carry the story: the player's wrong answer, the riddle and the engine's verdict.
    const all = chats.map((q) => JSON.stringify(q.body)).join('\n');
    expect(all).toContain(WRONG);
    expect(all).toContain('I fly without wings');
    expect(all).toContain('(answers the riddle correctly)');

    // And the engine, not the model, judged: the right answer opened the vault, and the game went on to the end.
    const turns = jsonEvents(r.stdout).filter((e) => e.type === 'turn');
    const last = turns.at(-1) as unknown as { state: { flags: Record<string, boolean> }; game_over: { outcome: string } | null };
    expect(last.state.flags.answered).toBe(true);
    expect(last.game_over?.outcome).toBe('end');
  });

  it('pack preview shows no answer, even when the first input is the answer', async () => {
    const [plain, json] = await Promise.all([
      runMain(['pack', 'preview', dir, '--input', 'zephyrquill'], { home }),
      runMain(['pack', 'preview', dir, '--json'], { home }),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('I fly without wings');
    expectNoSecret(plain.stdout + plain.stderr, 'pack preview');

    expect(json.code).toBe(0);
    const preview = JSON.parse(json.stdout) as { request: { messages: unknown[] } };
    expect(preview.request.messages.length).toBeGreaterThan(1);
    expectNoSecret(json.stdout, 'pack preview --json');
  });
});

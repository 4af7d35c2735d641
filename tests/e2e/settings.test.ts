/**
 * Where settings come from, with the CLI (in-process) against real local OpenAI-compatible servers:
 * the API key never follows a base URL that only a save names; credentials in a base URL are
 * never saved or shown; bad settings and commander's own usage errors are one line, exit 2.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvents, tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startOpenAIServer, type FakeServer, type RecordedRequest } from '../helpers/openai-server.js';

const tempHome = () => makeHome('pq-settings-');

const KEY = 'sk-users-own-key-0123456789SECRET';
const PLACEHOLDER = 'Bearer sk-no-key-needed-for-local-servers';

let mine: FakeServer;
let theirs: FakeServer;
beforeAll(async () => {
  [mine, theirs] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
});
afterAll(async () => {
  await Promise.all([mine.close(), theirs.close()]);
});

const chats = (server: FakeServer, from = 0): RecordedRequest[] => server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('continue: the API key goes only to a base URL the user chose', () => {
  it('a save naming another server gets the placeholder key and a notice; --base-url for it sends the key', async () => {
    const home = tempHome();
    // A "shared" save that names their server (recorded by playing against it without a key) ...
    const made = await runMain(['play', 'lighthouse', '--base-url', theirs.baseURL, '--model', 'm', '--slot', 'shared'], { home, input: ['1'] });
    expect(made.code, made.stderr).toBe(0);
    // ... in two homes whose owner keeps a key in the environment and their own server in the config.
    const other = tempHome();
    mkdirSync(join(other, 'saves'));
    copyFileSync(join(home, 'saves', 'shared.jsonl'), join(other, 'saves', 'shared.jsonl'));
    for (const h of [home, other]) writeFileSync(join(h, 'config.json'), JSON.stringify({ base_url: mine.baseURL }));
    const env = { OPENAI_API_KEY: KEY };

    const from = theirs.requests.length;
    const [untrusted, trusted] = await Promise.all([
      runMain(['continue', 'shared', '--images', 'generate'], { home, env, input: ['1'] }),
      runMain(['continue', 'shared', '--base-url', theirs.baseURL], { home: other, env, input: ['1'] }),
    ]);
    expect(untrusted.code, untrusted.stderr).toBe(0);
    expect(trusted.code, trusted.stderr).toBe(0);
    const auth = chats(theirs, from).map((q) => q.headers.authorization);
    // One request each: the trusting run sent the key, the other only the placeholder; nothing went to their server otherwise.
    expect(auth.sort()).toEqual([PLACEHOLDER, `Bearer ${KEY}`].sort());
    expect(chats(mine)).toHaveLength(0);
    expect(untrusted.stderr).toContain(
      `The API key is withheld from ${theirs.baseURL}, named in the save; pass --base-url ${theirs.baseURL} (or set it in config) to trust it.`,
    );
    expect(trusted.stderr).not.toContain('withheld');
    // The shared start-of-game notices reach continue too.
    // Pictures go where the chat goes, and with the key only where the chat gets it (not here).
    expect(untrusted.stderr).toContain(`Pictures are made in the background by "gpt-image-1" at ${theirs.baseURL}`);
  });
});

describe('credentials in a base URL', () => {
  it('reach the server as a query, but never the save, the terminal or --verbose output', async () => {
    const home = tempHome();
    const url = `${mine.baseURL}?api-version=2024-06-01&api-key=sk-in-the-query`;
    const from = mine.requests.length;
    const r = await runMain(['play', 'lighthouse', '--base-url', url, '--model', 'm', '--slot', 'q', '--verbose', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    // The query went with the request (not glued onto the path, where the server would 404).
    expect(chats(mine, from).length).toBeGreaterThan(0);
    const header = JSON.parse(readFileSync(join(home, 'saves', 'q.jsonl'), 'utf8').split('\n')[0] ?? '{}') as { base_url: string };
    expect(header.base_url).toBe(`${mine.baseURL}?api-version=2024-06-01`);
    expect(r.stdout + r.stderr).not.toContain('sk-in-the-query');
  });
});

describe('bad settings and usage errors: one line, exit 2', () => {
  it('OPENAI_BASE_URL that is not http(s), --var on continue, and commander errors (with --json: an error event too)', async () => {
    const home = tempHome();
    const [env, vars, choice, unknown, missing] = await Promise.all([
      runMain(['play'], { home, env: { OPENAI_BASE_URL: 'localhost:11434' } }),
      runMain(['continue', 'lighthouse-sample', '--slot', 'x', '--var', 'name=Ada'], { home }),
      runMain(['play', '--provider', 'gemini', '--json'], { home }),
      runMain(['play', '--colour'], { home }),
      runMain(['replay'], { home }),
    ]);
    expectOneLineError(env, /^promptquest: OPENAI_BASE_URL "localhost:11434" is not an http\(s\) URL/);
    expectOneLineError(vars, /^promptquest: --var applies to new games; this game's variables are fixed/);
    expectOneLineError(choice, /^promptquest: option '--provider <name>' argument 'gemini' is invalid/);
    expect(jsonEvents(choice.stdout)).toEqual([{ type: 'error', message: expect.stringContaining("argument 'gemini' is invalid"), exit_code: 2 }]);
    expectOneLineError(unknown, /^promptquest: unknown option '--colour'/);
    expect(unknown.stdout).toBe('');
    expectOneLineError(missing, /^promptquest: missing required argument 'slot'/);
  });
});

/**
 * No credential reaches the disk or the screen. The CLI (in process: main(argv, io)) plays against a real local server
 * that rejects response_format json_schema (so the engine steps down a format and caches it in
 * config.json), with a key in the environment, a key in the base URL's query and user:password
 * in it; afterwards no file under PROMPTQUEST_HOME holds any of them. A server whose errors
 * echo the Authorization header shows it masked on stderr, in the --json error event and in the
 * DEBUG trace. The process is the point here: conf writes the real config file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvents, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startOpenAIServer, type FakeServer } from '../helpers/openai-server.js';

const ENV_KEY = 'sk-envkey-AAAABBBBCCCCDDDDEEEE1111';
const QUERY_KEY = 'sk-querykey-FFFFGGGGHHHHIIII2222';
const PASSWORD = 'pw-in-the-url-JJJJ3333';
const SECRETS = [ENV_KEY, QUERY_KEY, PASSWORD, Buffer.from(`ada:${PASSWORD}`).toString('base64')];

let server: FakeServer;
let echo: FakeServer;
beforeAll(async () => {
  server = await startOpenAIServer({ rejectResponseFormats: ['json_schema'] });
  // Every chat request fails with its own Authorization header quoted back.
  echo = await startOpenAIServer({
    routes: (req) => req.path === '/v1/chat/completions'
      ? { status: 400, body: { error: { message: `denied for ${String(req.headers.authorization)}`, type: 'invalid_request_error' } } }
      : undefined,
  });
});
afterAll(async () => {
  await server.close();
  await echo.close();
});

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

const expectNoSecret = (text: string, where: string) => {
  for (const s of SECRETS) expect(text, `${s} in ${where}`).not.toContain(s);
};

describe('credentials never land on disk', () => {
  it('after a session with a format step-down, no file under PROMPTQUEST_HOME holds the key or the password', async () => {
    const home = tempHome('pq-creds-');
    const withUser = `${server.baseURL.replace('http://', `http://ada:${PASSWORD}@`)}?api-version=1&api-key=${QUERY_KEY}`;
    const withKey = `${server.baseURL}?api-key=${QUERY_KEY}`;
    const env = { OPENAI_API_KEY: ENV_KEY };
    const from = server.requests.length;
    // Two models, so each run steps down (and writes the cache) on its own: one with user:password, one with the key.
    const a = await runMain(['play', 'lighthouse', '--base-url', withUser, '--model', 'm1', '--slot', 'a', '--verbose', '--json'], { home, env, input: ['1', '2'] });
    const b = await runMain(['play', 'lighthouse', '--base-url', withKey, '--model', 'm2', '--slot', 'b', '--verbose'], { home, env, input: ['1'] });
    const c = await runMain(['continue', 'b', '--base-url', withKey, '--model', 'm2', '--slot', 'b2'], { home, env, input: ['2'] });
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);

    // The step-down happened and was cached, under the URL without its credentials.
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { capabilities: Record<string, string> };
    expect(config.capabilities).toEqual({
      [`${server.baseURL}?api-version=1|m1`]: 'json_object',
      [`${server.baseURL}|m2`]: 'json_object',
    });
    // What the server received: Basic for the URL with user:password (the key not sent), Bearer otherwise; the query key as a query.
    const chats = server.requests.slice(from).filter((q) => q.path === '/v1/chat/completions');
    const auths = new Set(chats.map((q) => q.headers.authorization));
    expect(auths).toEqual(new Set([`Basic ${Buffer.from(`ada:${PASSWORD}`).toString('base64')}`, `Bearer ${ENV_KEY}`]));

    const files = filesUnder(home);
    expect(files.map((f) => f.path.slice(home.length)).sort()).toEqual(expect.arrayContaining(['/config.json', '/saves/a.jsonl', '/saves/b.jsonl', '/saves/b2.jsonl']));
    for (const f of files) expectNoSecret(f.text, f.path);
    for (const r of [a, b, c]) expectNoSecret(r.stdout + r.stderr, 'the output');
    expect(a.stderr).toContain('The API key is not sent to');
  });
});

describe('an error that echoes credentials', () => {
  it('shows them masked on stderr, in the --json error event and in the DEBUG trace', async () => {
    const home = tempHome('pq-creds-');
    const r = await runMain(['play', 'lighthouse', '--base-url', echo.baseURL, '--model', 'm', '--json'], { home, env: { OPENAI_API_KEY: ENV_KEY, DEBUG: 'promptquest' }, input: ['1'] });
    expect(r.code).toBe(1);
    expectNoSecret(r.stdout + r.stderr, 'the output');
    const line = `the model server at ${echo.baseURL} answered HTTP 400: denied for Bearer sk-…1111 — try again later (promptquest continue), or another --model or --base-url`;
    expect(r.stderr).toContain(`promptquest: ${line}`);
    expect(jsonEvents(r.stdout).at(-1)).toEqual({ type: 'error', message: line, exit_code: 1 });
    // The DEBUG trace: the stack was printed, masked too.
    expect(r.stderr).toMatch(/\n\s+at /);
    expectNoSecret(readdirSync(home).join(' '), 'file names');
  });
});

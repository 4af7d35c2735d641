/**
 * `promptquest config ...` (the CLI in-process) and a real config file in a temporary
 * PROMPTQUEST_HOME: the round trip, masking, a broken file, one bad value among good
 * ones (the good ones still reach a real local model server), and `images` from config.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startOpenAIServer, type FakeServer } from '../helpers/openai-server.js';

const tempHome = () => makeHome('pq-config-');

let server: FakeServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const configFile = (home: string) => join(home, 'config.json');
const KEY = 'sk-config-test-abcdefSECRET';

function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toContain('    at ');
}

describe('config set / get / list / unset / path', () => {
  it('round-trips values through the file, masks the API key, and forgets what is unset', async () => {
    const home = tempHome();
    for (const [key, value] of [['model', 'llama3.1'], ['api_key', KEY]] as const) {
      const set = await runMain(['config', 'set', key, value], { home });
      expect(set.code, set.stderr).toBe(0);
    }
    expect(JSON.parse(readFileSync(configFile(home), 'utf8'))).toMatchObject({ model: 'llama3.1', api_key: KEY });

    const list = await runMain(['config', 'list'], { home });
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toEqual(['model=llama3.1', 'api_key=sk-…CRET (hidden)']);
    expect(list.stdout + list.stderr).not.toContain(KEY);

    const [model, unsetKey, path] = await Promise.all([
      runMain(['config', 'get', 'model'], { home }),
      runMain(['config', 'get', 'timeout'], { home }),
      runMain(['config', 'path'], { home }),
    ]);
    expect([model.code, model.stdout]).toEqual([0, 'llama3.1\n']);
    expect([unsetKey.code, unsetKey.stdout]).toEqual([1, '']);
    expect([path.code, path.stdout]).toEqual([0, `${configFile(home)}\n`]);

    expect((await runMain(['config', 'unset', 'model'], { home })).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(home), 'utf8'))).toEqual({ api_key: KEY });
  });

  it('refuses an unknown key or a bad value with one line, exit 2, and writes nothing', async () => {
    const home = tempHome();
    const [key, timeout, url] = await Promise.all([
      runMain(['config', 'set', 'modle', 'x'], { home }),
      runMain(['config', 'set', 'timeout', '0'], { home }),
      runMain(['config', 'set', 'base_url', 'localhost:11434'], { home }),
    ]);
    expectOneLineError(key, /unknown config key "modle"/);
    expectOneLineError(timeout, /invalid value for timeout/);
    expectOneLineError(url, /invalid value for base_url: expected an http\(s\) URL/);
    expect(() => readFileSync(configFile(home), 'utf8')).toThrow();
  });
});

describe('a config file with problems', () => {
  it('broken JSON: every command that reads it says which file and what to do, exit 2; `config path` still works', async () => {
    const home = tempHome();
    writeFileSync(configFile(home), '{"model": "m",,}');
    const [list, play, path] = await Promise.all([
      runMain(['config', 'list'], { home }),
      runMain(['play'], { home, input: ['1'] }),
      runMain(['config', 'path'], { home }),
    ]);
    for (const r of [list, play]) expectOneLineError(r, /promptquest: the config file .*config\.json is not valid JSON .*: fix it or delete it/);
    expect(list.stderr).toContain(configFile(home));
    expect([path.code, path.stdout.trim()]).toEqual([0, configFile(home)]);
    expect(readFileSync(configFile(home), 'utf8')).toBe('{"model": "m",,}'); // left as it was
  });

  it('one invalid value is ignored with one warning naming key and file; the other values still count', async () => {
    const home = tempHome();
    writeFileSync(configFile(home), JSON.stringify({ timeout: 0, base_url: server.baseURL, model: 'from-config' }));
    const from = server.requests.length;
    const r = await runMain(['play', 'lighthouse', '--json'], { home, input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    const warnings = lines(r.stderr).filter((l) => l.includes('config.json'));
    expect(warnings).toEqual([`${configFile(home)}: ignored timeout: Too small: expected number to be >0; fix it with: promptquest config set timeout <value>`]);
    const chats = server.requests.slice(from).filter((q) => q.path === '/v1/chat/completions');
    expect(chats.length).toBeGreaterThan(0);
    expect(chats[0]?.body.model).toBe('from-config');
  });
});

describe('images from config', () => {
  it('`config set images off` hides the image prompt lines that play shows by default', async () => {
    const off = tempHome();
    const set = await runMain(['config', 'set', 'images', 'off'], { home: off });
    expect(set.code).toBe(0);
    const [hidden, shown] = await Promise.all([
      runMain(['play', 'lighthouse'], { home: off, input: ['1'] }),
      runMain(['play', 'lighthouse'], { home: tempHome(), input: ['1'] }),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('🎨');
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('🎨');
    expect(hidden.stdout).toContain('1. '); // it did play
  });
});

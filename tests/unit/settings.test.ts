import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS, ConfigValues, recordableBaseURL, redactURLs, resolveSettings } from '../../src/core/settings.js';
import { configPath, openConfig, readConfigFile, storedValues } from '../../src/adapters/config.js';
import { UsageError } from '../../src/core/errors.js';
import { describeApiError } from '../../src/adapters/openai-errors.js';

const none = { flags: {}, env: {}, config: {} };

describe('resolveSettings: flags > environment > config > defaults', () => {
  it('plays offline, and says it defaulted, when nothing names a model server', () => {
    const s = resolveSettings(none);
    expect(s.provider).toBe('offline');
    expect(s.defaultedOffline).toBe(true);
  });

  it('an API key or a base URL from anywhere switches to openai', () => {
    expect(resolveSettings({ ...none, env: { OPENAI_API_KEY: 'k' } }).provider).toBe('openai');
    expect(resolveSettings({ ...none, config: { base_url: 'http://localhost:11434/v1' } }).provider).toBe('openai');
    expect(resolveSettings({ ...none, flags: { baseUrl: 'http://127.0.0.1:8080/v1' } }).provider).toBe('openai');
  });

  it('an explicit --provider offline wins over a configured key, without the notice', () => {
    const s = resolveSettings({ flags: { provider: 'offline' }, env: { OPENAI_API_KEY: 'k' }, config: {} });
    expect(s.provider).toBe('offline');
    expect(s.defaultedOffline).toBe(false);
  });

  it('model: flag over environment over the save over config over the default', () => {
    const saved = { provider: 'openai' as const, model: 'from-save', base_url: null };
    const all = { flags: { model: 'from-flag' }, env: { PROMPTQUEST_MODEL: 'from-env' }, config: { model: 'from-config' }, saved };
    expect(resolveSettings(all).model).toBe('from-flag');
    expect(resolveSettings({ ...all, flags: {} }).model).toBe('from-env');
    expect(resolveSettings({ ...all, flags: {}, env: {} }).model).toBe('from-save');
    expect(resolveSettings({ ...all, flags: {}, env: {}, saved: undefined }).model).toBe('from-config');
    expect(resolveSettings(none).model).toBe('gpt-4o-mini');
  });

  it('base URL: flag over OPENAI_BASE_URL over config', () => {
    const input = { flags: { baseUrl: 'http://a/v1' }, env: { OPENAI_BASE_URL: 'http://b/v1' }, config: { base_url: 'http://c/v1' } };
    expect(resolveSettings(input).baseURL).toBe('http://a/v1');
    expect(resolveSettings({ ...input, flags: {} }).baseURL).toBe('http://b/v1');
    expect(resolveSettings({ ...input, flags: {}, env: {} }).baseURL).toBe('http://c/v1');
  });

  it('bad flags are usage errors naming the value', () => {
    expect(() => resolveSettings({ ...none, flags: { provider: 'gemini' } })).toThrow(UsageError);
    expect(() => resolveSettings({ ...none, flags: { baseUrl: 'localhost:11434' } })).toThrow(/localhost:11434/);
  });

  it('OPENAI_BASE_URL is checked like --base-url, and named; a flag makes it irrelevant', () => {
    expect(() => resolveSettings({ ...none, env: { OPENAI_BASE_URL: 'localhost:11434' } })).toThrow(/OPENAI_BASE_URL "localhost:11434"/);
    expect(() => resolveSettings({ ...none, env: { OPENAI_BASE_URL: 'ftp://x/v1' } })).toThrow(UsageError);
    const flagged = resolveSettings({ ...none, flags: { baseUrl: 'http://a/v1' }, env: { OPENAI_BASE_URL: 'nonsense' } });
    expect(flagged.baseURL).toBe('http://a/v1');
  });

  it('a base URL in the environment outranks a provider from config or a save; --provider outranks it', () => {
    const env = { OPENAI_BASE_URL: 'http://b/v1' };
    const offlineSave = { provider: 'offline' as const, model: null, base_url: null };
    expect(resolveSettings({ ...none, env, config: { provider: 'offline' } }).provider).toBe('openai');
    expect(resolveSettings({ ...none, env, saved: offlineSave }).provider).toBe('openai');
    expect(resolveSettings({ flags: { provider: 'offline' }, env, config: {} }).provider).toBe('offline');
    // A key alone is not a choice of server: an explicit provider in config still holds.
    expect(resolveSettings({ ...none, env: { OPENAI_API_KEY: 'k' }, config: { provider: 'offline' } }).provider).toBe('offline');
  });
});

describe('resolveSettings: the API key goes only where the user pointed it', () => {
  const KEY = 'sk-users-own-key';
  const B = 'http://b.example:8080/v1';
  const saveNamingB = { provider: 'openai' as const, model: 'm', base_url: B };

  it('a base URL that only the save names gets the placeholder key, and says so', () => {
    const s = resolveSettings({ flags: {}, env: { OPENAI_API_KEY: KEY }, config: {}, saved: saveNamingB });
    expect(s.baseURL).toBe(B);
    expect(s.apiKey).toBeNull();
    expect(s.keyWithheldFrom).toBe(B);
    // The configured key is just as private as the environment's, and a configured base URL that differs does not vouch for B.
    const c = resolveSettings({ flags: {}, env: {}, config: { api_key: KEY, base_url: 'http://a/v1' }, saved: saveNamingB });
    expect([c.baseURL, c.apiKey, c.keyWithheldFrom]).toEqual([B, null, B]);
  });

  it('the same URL from a flag, the environment or config is trusted', () => {
    const env = { OPENAI_API_KEY: KEY };
    expect(resolveSettings({ flags: { baseUrl: B }, env, config: {}, saved: saveNamingB }).apiKey).toBe(KEY);
    expect(resolveSettings({ flags: {}, env: { ...env, OPENAI_BASE_URL: B }, config: {}, saved: saveNamingB }).apiKey).toBe(KEY);
    const configured = resolveSettings({ flags: {}, env, config: { base_url: `${B}/` }, saved: saveNamingB });
    expect([configured.apiKey, configured.keyWithheldFrom]).toEqual([KEY, null]);
  });

  it('the configured spelling of a saved URL is used, credentials and all', () => {
    const withSecret = 'https://u:p@b.example/v1?api-version=2&api-key=sk-q';
    const saved = { ...saveNamingB, base_url: recordableBaseURL(withSecret) };
    expect(saved.base_url).toBe('https://b.example/v1?api-version=2');
    const s = resolveSettings({ flags: {}, env: { OPENAI_API_KEY: KEY }, config: { base_url: withSecret }, saved });
    expect([s.baseURL, s.apiKey]).toEqual([withSecret, KEY]);
  });

  it("OpenAI's default (no base URL anywhere) gets the key; without a key nothing is withheld", () => {
    const openaiSave = { ...saveNamingB, base_url: null };
    const s = resolveSettings({ flags: {}, env: { OPENAI_API_KEY: KEY }, config: {}, saved: openaiSave });
    expect([s.baseURL, s.apiKey, s.keyWithheldFrom]).toEqual([null, KEY, null]);
    const spelledOut = resolveSettings({ flags: {}, env: { OPENAI_API_KEY: KEY }, config: {}, saved: { ...saveNamingB, base_url: 'https://api.openai.com/v1' } });
    expect(spelledOut.apiKey).toBe(KEY);
    expect(resolveSettings({ ...none, saved: saveNamingB }).keyWithheldFrom).toBeNull();
    expect(resolveSettings({ flags: { provider: 'offline' }, env: { OPENAI_API_KEY: KEY }, config: {}, saved: saveNamingB }).keyWithheldFrom).toBeNull();
  });

  it('a save naming something other than an http(s) URL is refused', () => {
    expect(() => resolveSettings({ ...none, saved: { ...saveNamingB, base_url: 'file:///etc/passwd' } })).toThrow(/not an http\(s\) URL; pass --base-url/);
  });
});

describe('recordableBaseURL', () => {
  it('drops credentials, fragments and secret-looking query parameters; keeps the rest of the query', () => {
    expect(recordableBaseURL('https://user:sk-secret@example.com/v1?key=sk-x')).toBe('https://example.com/v1');
    expect(recordableBaseURL('https://res.openai.azure.com/openai/deployments/d?api-version=2024-06-01&api-key=sk-x#t'))
      .toBe('https://res.openai.azure.com/openai/deployments/d?api-version=2024-06-01');
    for (const name of ['API_KEY', 'access_token', 'Secret', 'sig', 'Authorization', 'password', 'code']) {
      expect(recordableBaseURL(`http://h/v1?${name}=s3cr3t&v=1`), name).toBe('http://h/v1?v=1');
    }
    expect(recordableBaseURL('http://localhost:11434/v1/')).toBe('http://localhost:11434/v1');
    expect(recordableBaseURL(null)).toBeNull();
    expect(recordableBaseURL('not a url')).toBeNull();
  });

  it('redactURLs cleans URLs and bare query strings inside a message', () => {
    expect(redactURLs('POST https://u:sk-1@h/v1/chat?api-key=sk-2&api-version=3 failed')).toBe('POST https://h/v1/chat?api-version=3 failed');
    expect(redactURLs('Unknown request URL: POST /v1/chat/completions?api-version=3&token=sk-3 (404)')).toBe(
      'Unknown request URL: POST /v1/chat/completions?api-version=3&token=… (404)',
    );
  });

  it("describeApiError's line never holds credentials from the base URL or the server's text", () => {
    const baseURL = 'https://user:sk-in-userinfo@h.example/v1?api-version=3&api-key=sk-in-query';
    const line = describeApiError(new Error(`fetch ${baseURL}/chat/completions?token=sk-in-path failed`), { baseURL, model: 'm' }).message;
    expect(line).not.toMatch(/sk-in/);
    expect(line).toContain('https://h.example/v1?api-version=3');
  });
});

describe('the config file read without conf', () => {
  const files = ['{"provider":"offline","model":"m","bogus":1}', '', '{"model": ', '[1]', 'null', '{"__proto__":{"x":1},"pack":"ruins"}'];
  it.each(files)('reads %j as conf does (values, and errors word for word)', async (text) => {
    const home = mkdtempSync(join(tmpdir(), 'pq-conf-'));
    try {
      const env = { PROMPTQUEST_HOME: home };
      writeFileSync(configPath(env), text);
      const viaConf = await openConfig(env).then((c) => ({ ok: storedValues(c) }), (err: Error) => ({ error: err.message }));
      const plain = (() => {
        try {
          return { ok: storedValues(readConfigFile(env)) };
        } catch (err) {
          return { error: (err as Error).message };
        }
      })();
      expect(plain).toEqual(viaConf);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a missing file is empty', () => {
    const home = mkdtempSync(join(tmpdir(), 'pq-conf-'));
    try {
      expect(storedValues(readConfigFile({ PROMPTQUEST_HOME: home }))).toEqual({});
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('CONFIG_KEYS (plain data, for config --help) are the schema keys, in order', () => {
    expect(CONFIG_KEYS).toEqual(Object.keys(ConfigValues.shape));
  });
});

describe('the context window setting', () => {
  it('--context outranks PROMPTQUEST_CONTEXT, which outranks the config file; none of them: ask the server', () => {
    expect(resolveSettings(none).contextTokens).toBeNull();
    expect(resolveSettings({ ...none, config: { context: 16384 } }).contextTokens).toBe(16384);
    expect(resolveSettings({ ...none, env: { PROMPTQUEST_CONTEXT: '8192' }, config: { context: 16384 } }).contextTokens).toBe(8192);
    expect(resolveSettings({ flags: { context: 4096 }, env: { PROMPTQUEST_CONTEXT: '8192' }, config: { context: 16384 } }).contextTokens).toBe(4096);
    expect(resolveSettings({ ...none, env: { PROMPTQUEST_CONTEXT: ' ' } }).contextTokens).toBeNull();
  });

  it('a bad PROMPTQUEST_CONTEXT or config value is one clear line naming the bound', () => {
    for (const [value, why] of [['abc', /whole number/], ['100', /at least 256/], ['1.5', /whole number/], ['99999999999', /at most 10000000/]] as const) {
      expect(() => resolveSettings({ ...none, env: { PROMPTQUEST_CONTEXT: value } })).toThrow(UsageError);
      expect(() => resolveSettings({ ...none, env: { PROMPTQUEST_CONTEXT: value } })).toThrow(why);
      expect(ConfigValues.shape.context.safeParse(value).error?.issues[0]?.message).toMatch(why);
    }
  });
});

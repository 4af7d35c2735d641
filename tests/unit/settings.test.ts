import { describe, expect, it } from 'vitest';
import { recordableBaseURL, resolveSettings } from '../../src/core/settings.js';
import { UsageError } from '../../src/core/errors.js';

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
});

describe('recordableBaseURL', () => {
  it('drops credentials and query strings before a URL is saved', () => {
    expect(recordableBaseURL('https://user:sk-secret@example.com/v1?key=sk-x')).toBe('https://example.com/v1');
    expect(recordableBaseURL('http://localhost:11434/v1')).toBe('http://localhost:11434/v1');
    expect(recordableBaseURL(null)).toBeNull();
  });
});

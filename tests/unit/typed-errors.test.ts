/**
 * Issue 10, part 8: errors are told apart by their class and by data, never by the words of a
 * message. Each test rewords the message (or the library's language) and expects the same
 * decision, so it fails if a decision goes back to matching text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { UnknownPack, UsageError } from '../../src/core/errors.js';
import { describeZodError, extractReply } from '../../src/core/extract.js';
import { schemaFlavour } from '../../src/core/json-schema.js';
import { isOpenAIHost } from '../../src/core/openai-host.js';
import { chatRequest } from '../../src/core/request.js';
import { describeApiError } from '../../src/adapters/openai-errors.js';
import { formatProblem, inspectPack, locatePack } from '../../src/adapters/pack-loader.js';
import { missingPackOfSave } from '../../src/cli/continue.js';
import { buildPreview, formatPreview } from '../../src/cli/pack-preview.js';
import type { Header } from '../../src/core/journal.js';

const HOME = mkdtempSync(join(tmpdir(), 'pq-typed-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

const header: Header = {
  type: 'header', format: 3, slot: 's', pack: { id: 'gone', version: '1', hash: 'x', dir: '/nowhere/gone' },
  provider: 'offline', model: null, base_url: null, vars: {}, created: '2026-01-01T00:00:00.000Z', forked_from: null,
};

describe('an unknown pack is its own class', () => {
  it('locatePack throws UnknownPack naming the reference, an exit-2 usage error', () => {
    const err = (() => {
      try {
        return locatePack('no-such-pack', HOME);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnknownPack);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UnknownPack).ref).toBe('no-such-pack');
    expect((err as UnknownPack).exitCode).toBe(2);
  });

  it('continue says "the pack this game was played with is missing" for the class, whatever its words', () => {
    const reworded = Object.assign(new UnknownPack('gone', HOME), { message: 'no pack called gone anywhere' });
    expect((missingPackOfSave(reworded, header) as Error).message).toBe(
      'the pack this game was played with ("gone" in /nowhere/gone) is missing; put it back to continue (replay works without it)',
    );
    // The same words on another error (an invalid pack, say) are not a missing pack.
    const lookalike = new UsageError('unknown pack "gone": not a bundled pack');
    expect(missingPackOfSave(lookalike, header)).toBe(lookalike);
  });
});

describe('isOpenAIHost: one test of "is it OpenAI", by host name', () => {
  it.each([
    ['https://api.openai.com/v1', true],
    ['https://API.OpenAI.com./v1', true],
    ['https://eu.api.openai.com/v1', true],
    ['https://my-res.openai.azure.com/openai/deployments/x', true],
    ['http://localhost:8080/v1?via=api.openai.com', false],
    ['http://127.0.0.1:11434/api.openai.com/v1', false],
    ['https://api.openai.com.evil.example/v1', false],
    ['https://notapi.openai.com/v1', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isOpenAIHost(url)).toBe(expected);
  });

  it('the error hints, the schema flavour and the token field all follow it', () => {
    const local = 'http://127.0.0.1:9/v1?via=api.openai.com';
    const dropped = new OpenAI.APIConnectionError({ message: 'Connection error.' });
    expect(describeApiError(dropped, { baseURL: local, model: 'm' }).hint).toMatch(/^is it running\? check --base-url/);
    expect(describeApiError(dropped, { baseURL: 'https://api.openai.com/v1', model: 'm' }).hint).toBe('check your network, or use --base-url for a local server');
    expect(schemaFlavour(local)).toBe('bounded');
    expect(schemaFlavour('https://eu.api.openai.com/v1')).toBe('strict');
    const request = (baseURL: string) => chatRequest({ model: 'm', baseURL, messages: [{ role: 'user', content: 'hi' }], capability: 'json_schema', maxTokens: 100 });
    expect(request(local)).toHaveProperty('max_tokens', 100);
    expect(request('https://eu.api.openai.com/v1')).toHaveProperty('max_completion_tokens', 100);
  });
});

describe('a missing key is told by the data, not by zod\'s wording', () => {
  /** Runs `fn` with zod speaking German: every message is reworded, the decisions must not change. */
  function inGerman<T>(fn: () => T): T {
    z.config(z.locales.de());
    try {
      return fn();
    } finally {
      z.config(z.locales.en());
    }
  }

  it('describeZodError: "missing" with reportInput, with the input passed, and for a hand-made issue', () => {
    const schema = z.object({ s: z.string(), n: z.number() });
    const withInput = inGerman(() => schema.safeParse({ n: 'x' }, { reportInput: true }));
    expect(describeZodError(withInput.error!)).toBe('s: missing; n: expected number, got string');
    const plain = inGerman(() => schema.safeParse({ n: 1 }));
    expect(describeZodError(plain.error!, undefined, { n: 1 })).toBe('s: missing');
    const handMade = new z.ZodError([{ code: 'invalid_type', expected: 'string', path: ['s'], message: 'Pflichtfeld', input: undefined }]);
    expect(describeZodError(handMade)).toBe('s: missing');
  });

  it('a model reply without narration is "narration: missing"', () => {
    const r = inGerman(() => extractReply(JSON.stringify({ choices: ['a', 'b'], image_prompt: null, state_changes: {}, game_over: null })));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^narration: missing/);
  });

  it('a pack manifest without a title is "title: missing: expected string"', () => {
    const dir = mkdtempSync(join(HOME, 'pack-'));
    writeFileSync(join(dir, 'pack.yaml'), 'id: t\nversion: "1"\nlanguage: en\n');
    writeFileSync(join(dir, 'system.md'), 'You narrate.\n');
    const lines = inGerman(() => inspectPack(dir).problems.map((p) => formatProblem({ ...p, file: 'pack.yaml' })));
    expect(lines).toEqual(['pack.yaml:1: title: missing: expected string']);
  });
});

describe('pack preview labels the examples it sends from the report, not from its text', () => {
  it('a reworded "examples" detail changes no label', async () => {
    vi.stubEnv('PROMPTQUEST_HOME', HOME);
    vi.stubEnv('PROMPTQUEST_CONTEXT', '');
    try {
      // A window that sends some examples but not all: the pack's own count would be wrong there.
      let p = await buildPreview('lighthouse', {});
      for (let context = 3000; context <= 8000 && p.memory.report.examplesSent === p.pack.examples; context += 250) {
        const q = await buildPreview('lighthouse', { context });
        if (q.memory.report.examplesSent > 0) p = q;
      }
      const sent = p.memory.report.examplesSent;
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(p.pack.examples);
      const labels = (text: string) => text.match(/few-shot example \d+/g)?.length ?? 0;
      // Two messages (input and reply) per example, each labelled.
      expect(labels(formatPreview(p))).toBe(sent * 2);
      const blocks = p.memory.report.blocks.map((b) => (b.name === 'examples' ? { ...b, detail: `sent: all ${sent}` } : b));
      const reworded = { ...p, memory: { ...p.memory, report: { ...p.memory.report, blocks } } };
      expect(labels(formatPreview(reworded))).toBe(sent * 2);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

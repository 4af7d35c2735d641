/**
 * The OpenAI narrator against the real fake server (HTTP, SSE, the real SDK):
 * capability ladder, schema flavours, repairs, the call budget, streaming, and
 * network trouble (Retry-After, stalls, drops, aborts).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPLY, startOpenAIServer, validReply, type FakeServer, type RecordedRequest } from '../helpers/openai-server.js';
import { OpenAINarrator, type OpenAINarratorOptions } from '../../src/adapters/openai-narrator.js';
import type { Capability } from '../../src/adapters/config.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { initialState } from '../../src/core/state.js';
import { RuntimeFailure } from '../../src/core/errors.js';
import type { NarrationRequest } from '../../src/engine/ports.js';
import { replyJsonSchema } from '../../src/core/json-schema.js';
import { CHARS_PER_TOKEN, fitSchema, longestJson } from '../../src/core/schema-fit.js';
import { LIMITS, Reply } from '../../src/core/reply.js';
import fc from 'fast-check';

const pack = loadPack('lighthouse', '/nonexistent-home');
const request: NarrationRequest = {
  pack,
  state: initialState(pack.manifest, {}, null),
  summary: null,
  history: [],
  said: 'look around',
  rails: null,
  authored: null,
  notes: [],
};

let server: FakeServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());

function memoryCache() {
  const map = new Map<string, Capability>();
  return { map, get: (k: string) => map.get(k), set: (k: string, v: Capability) => void map.set(k, v) };
}

function narrator(extra: Partial<OpenAINarratorOptions> = {}, on: FakeServer = server) {
  const lines: string[] = [];
  const n = new OpenAINarrator({
    model: 'fake-model',
    baseURL: on.baseURL,
    apiKey: null,
    timeoutMs: 10_000,
    cache: memoryCache(),
    contextCache: { get: () => undefined, set: () => undefined },
    log: (l) => lines.push(l),
    ...extra,
  });
  return { n, lines };
}

/** The chat requests a block of code made. */
async function chats<T>(on: FakeServer, fn: () => Promise<T>): Promise<{ value: T | undefined; error: unknown; reqs: RecordedRequest[] }> {
  const before = on.requests.length;
  let value: T | undefined;
  let error: unknown;
  try {
    value = await fn();
  } catch (err) {
    error = err;
  }
  return { value, error, reqs: on.requests.slice(before).filter((r) => r.path === '/v1/chat/completions') };
}

const formatOf = (r: RecordedRequest): string | undefined => r.body.response_format?.type;

describe('capability ladder', () => {
  it('steps down on a rejected response_format, remembers the level, and starts there next time', async () => {
    const picky = await startOpenAIServer({ rejectResponseFormats: ['json_schema', 'json_object'] });
    try {
      const cache = memoryCache();
      const { n } = narrator({ cache }, picky);
      const first = await chats(picky, () => n.narrate(request));
      expect(first.value).toMatchObject({ kind: 'reply', calls: 3 });
      expect(first.reqs.map(formatOf)).toEqual(['json_schema', 'json_object', undefined]);
      expect([...cache.map.values()]).toEqual(['prompt']);
      // Without response_format the schema travels in the prompt.
      expect(first.reqs[2]!.body.messages[0].content).toContain('must match this JSON Schema');

      const second = await chats(picky, () => n.narrate(request));
      expect(second.reqs.map(formatOf)).toEqual([undefined]);
      // A new narrator (next run) with the same cache starts right too.
      const again = await chats(picky, () => narrator({ cache }, picky).n.narrate(request));
      expect(again.reqs.map(formatOf)).toEqual([undefined]);
    } finally {
      await picky.close();
    }
  });

  it('one rejected level costs one call; json_object is kept', async () => {
    const lmStudioLike = await startOpenAIServer({ rejectResponseFormats: ['json_schema'] });
    try {
      const cache = memoryCache();
      const { n } = narrator({ cache }, lmStudioLike);
      const run = await chats(lmStudioLike, () => n.narrate(request));
      expect(run.reqs.map(formatOf)).toEqual(['json_schema', 'json_object']);
      expect([...cache.map.values()]).toEqual(['json_object']);
    } finally {
      await lmStudioLike.close();
    }
  });
});

describe('schema flavours', () => {
  it('a local server gets the bounded schema: strict, its lengths fitted to max_tokens', async () => {
    const run = await chats(server, () => narrator().n.narrate(request));
    const format = run.reqs[0]!.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'turn', strict: true } });
    const schema = format.json_schema.schema;
    expect(schema.properties.narration.maxLength).toBeGreaterThan(500);
    expect(schema.properties.choices).toMatchObject({ minItems: 2, maxItems: 6 });
    expect(schema.properties.choices.items.maxLength).toBeGreaterThan(0);
    // The longest reply it allows fits in the pack's max_tokens.
    expect(longestJson(schema)).toBeLessThanOrEqual(pack.manifest.model.max_tokens! * CHARS_PER_TOKEN);
  });

  it('api.openai.com gets the strict subset, without length keywords', async () => {
    // Requests to api.openai.com are routed to the local server, so nothing leaves the machine.
    const toLocal: typeof fetch = (input, init) => fetch(String(input).replace('https://api.openai.com/v1', server.baseURL), init);
    const run = await chats(server, () => narrator({ baseURL: null, apiKey: 'sk-test', fetch: toLocal }).n.narrate(request));
    const text = JSON.stringify(run.reqs[0]!.body.response_format);
    expect(text).toContain('"strict":true');
    expect(text).not.toMatch(/maxLength|maxItems|minItems|minLength/);
    // OpenAI's newer models refuse max_tokens; its own hosts get max_completion_tokens.
    expect(run.reqs[0]!.body).toMatchObject({ max_completion_tokens: pack.manifest.model.max_tokens });
    expect(run.reqs[0]!.body).not.toHaveProperty('max_tokens');
  });

  it('other servers get max_tokens, which every OpenAI-compatible server knows', async () => {
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(run.reqs[0]!.body).toMatchObject({ max_tokens: pack.manifest.model.max_tokens });
    expect(run.reqs[0]!.body).not.toHaveProperty('max_completion_tokens');
  });
});

describe('bad replies', () => {
  it('a repair request carries the zod error in plain words', async () => {
    server.enqueue({ kind: 'ok', reply: validReply({ choices: ['only one'] }) });
    const { n, lines } = narrator();
    const run = await chats(server, () => n.narrate(request));
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 });
    const last = run.reqs[1]!.body.messages.at(-1);
    expect(last.role).toBe('user');
    expect(last.content).toContain('choices: expected 2 to 6 items, got 1');
    expect(run.reqs[1]!.body.messages.at(-2)).toMatchObject({ role: 'assistant' });
    expect(lines.some((l) => l.startsWith('invalid reply: choices: expected 2 to 6 items, got 1'))).toBe(true);
  });

  it('wrong types are named and repaired', async () => {
    server.enqueue({ kind: 'raw', content: JSON.stringify({ ...DEFAULT_REPLY, narration: 42, game_over: 'no' }) });
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 });
    const said = run.reqs[1]!.body.messages.at(-1).content as string;
    expect(said).toContain('narration: expected string, got number');
    expect(said).toContain('game_over');
  });

  it('spends exactly maxCalls calls on a model that never answers in the format, then fails in one line', async () => {
    server.setFallback({ kind: 'raw', content: 'I would rather tell you a story in prose.' });
    try {
      for (const maxCalls of [4, 2]) {
        const run = await chats(server, () => narrator({ maxCalls }).n.narrate(request));
        expect(run.reqs).toHaveLength(maxCalls);
        expect(run.error).toBeInstanceOf(RuntimeFailure);
        const err = run.error as RuntimeFailure;
        expect(err.message).toBe(`the model "fake-model" did not answer in the expected format after ${maxCalls} tries (last problem: reply: no JSON object found, expected a JSON object)`);
        expect(err.hint).toContain('promptquest continue');
        expect(`${err.message} ${err.hint ?? ''}`).not.toContain('\n');
      }
    } finally {
      server.setFallback({ kind: 'ok', reply: DEFAULT_REPLY });
    }
  });

  it('a reply cut off at max_tokens is asked again with a larger max_tokens', async () => {
    server.enqueue({ kind: 'truncated', reply: DEFAULT_REPLY });
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 });
    const [first, second] = run.reqs.map((r) => r.body.max_tokens as number);
    expect(first).toBe(pack.manifest.model.max_tokens);
    expect(second).toBe(first! * 2);
    // Same bounds, more room: the retry is sure to close.
    expect(run.reqs[1]!.body.response_format).toEqual(run.reqs[0]!.body.response_format);
  });

  it('a refusal is asked again once, then returned as the narrator refusing', async () => {
    server.enqueue({ kind: 'refusal', text: 'No.' });
    const once = await chats(server, () => narrator().n.narrate(request));
    expect(once.value).toMatchObject({ kind: 'reply', calls: 2 });

    server.enqueue({ kind: 'refusal', text: 'No.' }, { kind: 'refusal', text: 'Still no.' });
    const twice = await chats(server, () => narrator().n.narrate(request));
    expect(twice.value).toEqual({ kind: 'refusal', text: 'Still no.', calls: 2 });
    expect(twice.reqs).toHaveLength(2);
  });

  it('the verbose log shows raw replies with escapes visible and nothing a terminal acts on', async () => {
    server.enqueue({ kind: 'raw', content: 'Sure \x1b]0;pwned\x07\x9b2J {"narration": 1}' });
    const { n, lines } = narrator();
    await n.narrate(request);
    const raw = lines.find((l) => l.startsWith('raw reply'))!;
    expect(raw).toContain('\\u001b]0;pwned\\u0007');
    expect(lines.join('\n')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });
});

describe('streaming', () => {
  it('onText gets the narration as it arrives; a dropped stream is voided (onRestart) and asked again', async () => {
    server.enqueue({ kind: 'drop', reply: DEFAULT_REPLY });
    const seen: string[] = [];
    let live = '';
    const run = await chats(server, () =>
      narrator().n.narrate(request, {
        onText: (d) => {
          seen.push(`text:${d}`);
          live += d;
        },
        onRestart: () => {
          seen.push('restart');
          live = '';
        },
      }),
    );
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 });
    expect(run.reqs).toHaveLength(2);
    const restartAt = seen.indexOf('restart');
    expect(restartAt).toBeGreaterThan(0); // some narration was shown before the drop
    expect(seen.lastIndexOf('restart')).toBe(restartAt); // voided once
    expect(seen.filter((s) => s.startsWith('text:')).length).toBeGreaterThan(2); // deltas, not one block
    expect(live).toBe(DEFAULT_REPLY.narration); // shown once, in full, after the restart
  });

  it('a reply far longer than a narration may be: at most the narration limit is shown and 20,000 characters logged (found by the soak)', async () => {
    // 60,000 characters in pieces of 2 to 7: read again at every piece, this took seconds; 50 MB took an hour.
    server.enqueue({ kind: 'raw', content: JSON.stringify({ ...DEFAULT_REPLY, narration: `\u00e9${'a'.repeat(60_000)}` }) });
    let live = '';
    let longest = 0;
    const { n, lines } = narrator();
    const run = await chats(server, () =>
      n.narrate(request, {
        onText: (d) => {
          live += d;
          longest = Math.max(longest, live.length);
        },
        onRestart: () => (live = ''),
      }),
    );
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 }); // the too-long one is asked again
    expect(longest).toBe(LIMITS.narration);
    expect(live).toBe(DEFAULT_REPLY.narration);
    const raw = lines.find((l) => l.startsWith('raw reply'))!;
    expect(raw.length).toBeLessThan(20_200);
    expect(raw).toMatch(/… \(\d+ more characters\)$/);
  });

  it('narration shown before a bad reply is voided before the repaired one streams', async () => {
    server.enqueue({ kind: 'ok', reply: validReply({ narration: 'First telling.', choices: ['one'] }) });
    let live = '';
    const restarts: number[] = [];
    await narrator().n.narrate(request, { onText: (d) => (live += d), onRestart: () => ((live = ''), restarts.push(1)) });
    expect(restarts).toHaveLength(1);
    expect(live).toBe(DEFAULT_REPLY.narration);
  });
});

describe('network trouble', () => {
  it('the SDK honours Retry-After on a 429 and retries', async () => {
    server.enqueue({ kind: 'status', status: 429, retryAfter: 1 });
    const t0 = Date.now();
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // it waited as asked, not its own 0.5 s
    expect(run.value).toMatchObject({ kind: 'reply', calls: 1 });
    expect(run.reqs).toHaveLength(2);
    expect(run.reqs[1]!.headers['x-stainless-retry-count']).toBe('1');
  });

  it('a Retry-After of an hour is not sat through: one line naming the wait', async () => {
    server.enqueue({ kind: 'status', status: 429, retryAfter: 3600 });
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(run.reqs).toHaveLength(1);
    expect(run.error).toBeInstanceOf(RuntimeFailure);
    expect((run.error as Error).message).toMatch(/rate-limiting requests \(HTTP 429\) and asks to wait 3600 s$/);
  });

  it('a 500 that persists fails after the SDK retries, naming status and attempts', async () => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500, retryAfter: 0 })));
    const run = await chats(server, () => narrator().n.narrate(request));
    expect(run.reqs).toHaveLength(3);
    expect((run.error as Error).message).toContain('answered HTTP 500 after 3 attempts: The server had an error');
  });

  it('an unreachable server fails after the SDK retries alone (not once per call)', async () => {
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/chat/completions')) attempts++;
      return fetch(input, init);
    };
    const closed = await startOpenAIServer();
    await closed.close();
    const { n } = narrator({ fetch: counting }, closed);
    const err = await n.narrate(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeFailure);
    expect((err as Error).message).toBe(`cannot reach the model server at ${closed.baseURL} (3 attempts)`);
    expect(attempts).toBe(3);
  });

  it('a silent server is asked once more, then the turn fails naming the silence', async () => {
    server.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const run = await chats(server, () => narrator({ timeoutMs: 300 }).n.narrate(request));
    expect(run.reqs).toHaveLength(2);
    expect((run.error as Error).message).toBe(`the model server at ${server.baseURL} sent nothing for 0.3 s (2 tries)`);
  });

  it('a stream that stalls halfway is caught by the watchdog and asked again', async () => {
    // The first response's body delivers its first bytes, then goes silent without closing.
    let first = true;
    const stallingOnce: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!first || !res.body || !String(input instanceof Request ? input.url : input).endsWith('/chat/completions')) return res;
      first = false;
      const reader = res.body.getReader();
      const head = await reader.read();
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          if (head.value) c.enqueue(head.value.slice(0, 200));
          // Like a real fetch body: an abort errors it.
          init?.signal?.addEventListener('abort', () => c.error(init.signal?.reason));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    // 1 s of silence: room for a loaded CI machine on the good second call.
    const run = await chats(server, () => narrator({ timeoutMs: 1000, fetch: stallingOnce }).n.narrate(request));
    expect(run.value).toMatchObject({ kind: 'reply', calls: 2 });
  });

  it('an abort ends a hanging request at once, and a Retry-After wait too', async () => {
    for (const fault of [{ kind: 'hang' as const }, { kind: 'status' as const, status: 429, retryAfter: 25 }]) {
      server.enqueue(fault);
      const controller = new AbortController();
      const chatsSoFar = () => server.requests.filter((q) => q.path === '/v1/chat/completions').length;
      const before = chatsSoFar();
      const pending = narrator().n.narrate(request, { signal: controller.signal }).catch((e: unknown) => e);
      while (chatsSoFar() === before) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const err = await pending; // the test's own timeout (20 s) is shorter than the 25 s wait
      expect(err instanceof OpenAI.APIUserAbortError || (err as Error).name === 'AbortError').toBe(true);
    }
  });
});

describe('fitting the bounded schema to max_tokens', () => {
  const bounded = replyJsonSchema('bounded');
  type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON schema

  /** The longest reply a schema allows, as data: every string and list at its maximum. */
  function longestReply(schema: Node): Reply {
    const p = schema.properties;
    const text = (node: Node) => 'x'.repeat(node.maxLength);
    const sc = p.state_changes.properties;
    const n = (node: Node) => Array.from({ length: node.maxItems as number });
    return {
      narration: text(p.narration),
      choices: n(p.choices).map(() => text(p.choices.items)),
      image_prompt: text(p.image_prompt.anyOf[0]),
      state_changes: {
        add_items: n(sc.add_items).map(() => text(sc.add_items.items)),
        remove_items: n(sc.remove_items).map(() => text(sc.remove_items.items)),
        stats: n(sc.stats).map(() => ({ name: text(sc.stats.items.properties.name), delta: -1.5e-300 })),
        flags: n(sc.flags).map(() => ({ name: text(sc.flags.items.properties.name), value: false })),
      },
      game_over: { outcome: 'lose', reason: text(p.game_over.anyOf[0].properties.reason) },
    };
  }

  it('the reply contract itself is too long for a typical max_tokens: that is why it is fitted', () => {
    expect(longestJson(bounded)).toBeGreaterThan(1024 * CHARS_PER_TOKEN);
    expect(fitSchema(bounded, 8192)).toBe(bounded); // room enough: unchanged
  });

  it('for any max_tokens, the fitted schema fits (when it can), only tightens, and all it allows passes zod', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 9000 }), (maxTokens) => {
        const fitted = fitSchema(bounded, maxTokens);
        expect(longestJson(fitted)).toBeLessThanOrEqual(Math.max(maxTokens * CHARS_PER_TOKEN, longestJson(fitSchema(bounded, 1))));
        const reply = longestReply(fitted);
        expect(JSON.stringify(reply).length).toBeLessThanOrEqual(longestJson(fitted));
        expect(Reply.safeParse(reply).success).toBe(true);
        expect(fitted.properties).toMatchObject({ choices: { minItems: 2, maxItems: 6 }, narration: { minLength: 1 } });
      }),
      { numRuns: 60 },
    );
  });

  it('more tokens never give tighter bounds', () => {
    const narration = (t: number) => (fitSchema(bounded, t) as Node).properties.narration.maxLength as number;
    expect(narration(600)).toBeLessThan(narration(900));
    expect(narration(900)).toBeLessThan(narration(2000));
    expect(narration(9000)).toBe(4000);
  });
});

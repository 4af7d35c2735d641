/**
 * The fake OpenAI server, driven over HTTP by the real `openai` SDK.
 * If these fail, every test built on tests/helpers/openai-server.ts is suspect.
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPLY, startOpenAIServer, validReply, type FakeServer } from '../helpers/openai-server.js';

const MESSAGES = [
  { role: 'system' as const, content: 'You are the narrator.' },
  { role: 'user' as const, content: 'Go into the cave.' },
];
/** Request params without `stream`, usable with create(), create({stream: true}) and stream(). */
type Params = Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>;
const params = (extra: Partial<Params> = {}): Params => ({
  model: 'test-model',
  messages: MESSAGES,
  ...extra,
});

let server: FakeServer;
let client: OpenAI;

// A fresh server per test, so a failing test cannot leave faults queued for the next one.
beforeEach(async () => {
  server = await startOpenAIServer();
  client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 0 });
});
afterEach(async () => {
  await server.close();
});

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('helpers', () => {
  it('DEFAULT_REPLY follows the turn contract and validReply copies it with overrides', () => {
    expect(DEFAULT_REPLY.choices.length).toBeGreaterThanOrEqual(2);
    expect(DEFAULT_REPLY.choices.length).toBeLessThanOrEqual(3);
    expect(DEFAULT_REPLY).toMatchObject({
      narration: expect.any(String),
      image_prompt: expect.any(String),
      state_changes: { add_items: [], remove_items: [], stats: [], flags: [] },
      game_over: null,
    });
    const r = validReply({ game_over: { outcome: 'win', reason: 'done' } });
    expect(r.game_over).toEqual({ outcome: 'win', reason: 'done' });
    expect(r.narration).toBe(DEFAULT_REPLY.narration);
    r.state_changes.add_items.push('lamp');
    expect(DEFAULT_REPLY.state_changes.add_items).toEqual([]);
  });
});

describe('non-streaming chat completions', () => {
  it('returns the reply as JSON content, with usage, and records the request', async () => {
    const reply = validReply({ narration: 'The cave is dark.' });
    server.enqueue({ kind: 'ok', reply });
    const before = server.requests.length;
    const res = await client.chat.completions.create(params({ temperature: 0.7 }));

    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('test-model');
    expect(res.id).toMatch(/^chatcmpl-/);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.refusal).toBeNull();
    expect(choice.message.content).toBe(JSON.stringify(reply));
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);

    expect(server.requests).toHaveLength(before + 1);
    const rec = server.requests[before]!;
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe('Bearer test');
    expect(rec.body).toMatchObject({ model: 'test-model', messages: MESSAGES, temperature: 0.7 });
  });

  it('uses the fallback (default: DEFAULT_REPLY) once the queue is empty, and consumes the queue in order', async () => {
    const res = await client.chat.completions.create(params());
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual(DEFAULT_REPLY);

    server.enqueue({ kind: 'ok', reply: { n: 1 } }, { kind: 'ok', reply: { n: 2 } });
    server.setFallback((req, index) => ({ kind: 'ok', reply: { index, path: req.path } }));
    const contents: string[] = [];
    for (let i = 0; i < 3; i++) contents.push((await client.chat.completions.create(params())).choices[0]!.message.content!);
    expect(contents.slice(0, 2)).toEqual(['{"n":1}', '{"n":2}']);
    expect(JSON.parse(contents[2]!)).toEqual({ index: server.requests.length - 1, path: '/v1/chat/completions' });
  });

  it('produces the malformed contents byte for byte', async () => {
    const reply = { a: 1, b: [true] };
    server.enqueue(
      { kind: 'raw', content: '{"a": 1,\u0007 }' },
      { kind: 'fenced', reply },
      { kind: 'prose', reply },
      { kind: 'trailing-comma', reply },
    );
    const got: Array<string | null> = [];
    for (let i = 0; i < 4; i++) got.push((await client.chat.completions.create(params())).choices[0]!.message.content);
    expect(got).toEqual([
      '{"a": 1,\u0007 }',
      '```json\n' + JSON.stringify(reply, null, 2) + '\n```',
      'Sure! Here is the turn:\n{"a":1,"b":[true]}\nHope you enjoy.',
      '{"a":1,"b":[true],}',
    ]);
  });

  it('truncated: half the JSON with finish_reason "length"', async () => {
    server.enqueue({ kind: 'truncated', reply: DEFAULT_REPLY });
    const choice = (await client.chat.completions.create(params())).choices[0]!;
    const full = JSON.stringify(DEFAULT_REPLY);
    expect(choice.finish_reason).toBe('length');
    expect(full.startsWith(choice.message.content!)).toBe(true);
    expect(choice.message.content!.length).toBeLessThan(full.length);
    expect(() => JSON.parse(choice.message.content!)).toThrow();
  });

  it('refusal: content null and message.refusal set', async () => {
    server.enqueue({ kind: 'refusal', text: 'I cannot narrate that.' });
    const msg = (await client.chat.completions.create(params())).choices[0]!.message;
    expect(msg.content).toBeNull();
    expect(msg.refusal).toBe('I cannot narrate that.');
  });

  it('drop: the connection closes without a response', async () => {
    server.enqueue({ kind: 'drop', reply: DEFAULT_REPLY });
    expect(await thrown(() => client.chat.completions.create(params()))).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe('streaming chat completions', () => {
  it('create({stream: true}): role chunk first, content in several chunks, finish, usage, [DONE]', async () => {
    const reply = validReply({ narration: 'Drip. Drip. Something moves in the dark.' });
    server.enqueue({ kind: 'ok', reply });
    const stream = await client.chat.completions.create({
      ...params(),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);

    expect(chunks[0]!.object).toBe('chat.completion.chunk');
    expect(chunks[0]!.model).toBe('test-model');
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    const pieces = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).filter(Boolean);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(JSON.stringify(reply));
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
    expect(finishes).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    expect(server.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('without include_usage there is no usage chunk', async () => {
    const stream = await client.chat.completions.create({ ...params(), stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage == null)).toBe(true);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('chat.completions.stream(): deltas arrive piecewise and the final message is the JSON', async () => {
    server.enqueue({ kind: 'ok', reply: DEFAULT_REPLY });
    const deltas: string[] = [];
    const stream = client.chat.completions.stream(params()).on('content', (d) => deltas.push(d));
    const final = await stream.finalChatCompletion();
    expect(deltas.length).toBeGreaterThan(10);
    expect(final.choices[0]!.message.content).toBe(JSON.stringify(DEFAULT_REPLY));
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('truncated and refusal stream like their non-streaming forms', async () => {
    server.enqueue({ kind: 'truncated', reply: DEFAULT_REPLY }, { kind: 'refusal', text: 'No, sorry.' });
    const cut = await client.chat.completions.stream(params()).finalChatCompletion();
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(JSON.stringify(DEFAULT_REPLY).startsWith(cut.choices[0]!.message.content!)).toBe(true);

    const refusals: string[] = [];
    const stream = client.chat.completions.stream(params()).on('refusal.delta', (e) => refusals.push(e.delta));
    const msg = await stream.finalMessage();
    expect(refusals.length).toBeGreaterThan(1);
    expect(msg.refusal).toBe('No, sorry.');
    expect(msg.content).toBeNull();
  });

  it('drop: some content arrives, then the SDK throws', async () => {
    server.enqueue({ kind: 'drop', reply: DEFAULT_REPLY });
    const stream = await client.chat.completions.create({ ...params(), stream: true });
    let received = '';
    let role: string | undefined;
    const err = await thrown(async () => {
      for await (const c of stream) {
        role ??= c.choices[0]?.delta.role;
        received += c.choices[0]?.delta.content ?? '';
      }
    });
    expect(err).toBeInstanceOf(Error);
    expect(role).toBe('assistant');
    expect(received.length).toBeGreaterThan(0);
    expect(JSON.stringify(DEFAULT_REPLY).startsWith(received)).toBe(true);
    expect(received.length).toBeLessThan(JSON.stringify(DEFAULT_REPLY).length);

    server.enqueue({ kind: 'drop', reply: DEFAULT_REPLY });
    const helperErr = await thrown(() => client.chat.completions.stream(params()).finalChatCompletion());
    expect(helperErr).toBeInstanceOf(OpenAI.OpenAIError);
  });
});

describe('HTTP errors', () => {
  it('429 with Retry-After is a RateLimitError carrying the header', async () => {
    server.enqueue({ kind: 'status', status: 429, retryAfter: 0 });
    const err = await thrown(() => client.chat.completions.create(params()));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('0');
    expect(e.code).toBe('rate_limit_exceeded');
  });

  it('with maxRetries 1 the SDK waits for Retry-After, retries and succeeds', async () => {
    const retrying = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 1 });
    server.enqueue({ kind: 'status', status: 429, retryAfter: 1 }, { kind: 'ok', reply: { retried: true } });
    const before = server.requests.length;
    const t0 = Date.now();
    const res = await retrying.chat.completions.create(params());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(res.choices[0]!.message.content).toBe('{"retried":true}');
    expect(server.requests.length - before).toBe(2);
    expect(server.requests.at(-1)!.headers['x-stainless-retry-count']).toBe('1');
  });

  it('500 is an InternalServerError; a custom 400 body reaches the error', async () => {
    server.enqueue(
      { kind: 'status', status: 500 },
      {
        kind: 'status',
        status: 400,
        body: { error: { message: 'context too long', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } },
      },
    );
    expect(await thrown(() => client.chat.completions.create(params()))).toBeInstanceOf(OpenAI.InternalServerError);
    const err = await thrown(() => client.chat.completions.create(params()));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    expect((err as Error).message).toContain('context too long');
  });

  it('rejectResponseFormats answers 400 without consuming the queued fault', async () => {
    const strict = await startOpenAIServer({ rejectResponseFormats: ['json_object'] });
    try {
      const c = new OpenAI({ apiKey: 'test', baseURL: strict.baseURL, maxRetries: 0 });
      strict.enqueue({ kind: 'ok', reply: { kept: true } });
      const err = await thrown(() => c.chat.completions.create(params({ response_format: { type: 'json_object' } })));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, param: 'response_format', type: 'invalid_request_error' });
      expect((err as Error).message).toContain("'response_format.type' must be 'json_schema' or 'text'");

      const schema = { type: 'object', properties: { kept: { type: 'boolean' } }, required: ['kept'], additionalProperties: false };
      const ok = await c.chat.completions.create(
        params({ response_format: { type: 'json_schema', json_schema: { name: 'turn', strict: true, schema } } }),
      );
      expect(ok.choices[0]!.message.content).toBe('{"kept":true}');
      expect(strict.requests.map((r) => r.body.response_format.type)).toEqual(['json_object', 'json_schema']);
    } finally {
      await strict.close();
    }
  });
});

describe('timing faults and shutdown', () => {
  it('slow answers after the delay; a shorter client timeout gives APIConnectionTimeoutError', async () => {
    server.enqueue({ kind: 'slow', delayMs: 150, reply: { slow: true } });
    const t0 = Date.now();
    const res = await client.chat.completions.create(params());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.choices[0]!.message.content).toBe('{"slow":true}');

    server.enqueue({ kind: 'slow', delayMs: 2000, reply: {} });
    const err = await thrown(() => client.chat.completions.create(params(), { timeout: 100 }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('hang ends when the client aborts', async () => {
    server.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const pending = client.chat.completions.create(params(), { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await thrown(() => pending)).toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('close() ends hanging requests and open streams promptly', async () => {
    const s = await startOpenAIServer({ fallback: { kind: 'hang' } });
    const c = new OpenAI({ apiKey: 'test', baseURL: s.baseURL, maxRetries: 0 });
    const pending = thrown(() => c.chat.completions.create(params()));
    const pendingStream = thrown(() => c.chat.completions.stream(params()).finalChatCompletion());
    while (s.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await s.close();
    // Waiting for the hanging requests would take the SDK's 10-minute timeout; a loaded machine may take a while.
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await pendingStream).toBeInstanceOf(Error);
    await s.close(); // idempotent
  });
});

describe('other routes', () => {
  it('GET /v1/models lists models; unknown paths are OpenAI-style 404s', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toContain('fake-model');

    const res = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.any(String) } });
    expect(server.requests.at(-1)!.path).toBe('/v1/embeddings');
  });

  it('a body that is not JSON is a 400 and does not consume a fault', async () => {
    server.enqueue({ kind: 'ok', reply: { next: true } });
    const res = await fetch(`${server.baseURL}/chat/completions`, { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    expect(server.requests.at(-1)!.body).toBe('{nope');
    const ok = await client.chat.completions.create(params());
    expect(ok.choices[0]!.message.content).toBe('{"next":true}');
  });
});

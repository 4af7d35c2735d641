/**
 * The window-enforcing fake servers (tests/helpers/window-servers.ts), driven over HTTP by the real
 * `openai` SDK and plain fetch: discovery routes, the exact errors over the window, llama.cpp's cut
 * at the window, Ollama's silent front truncation, the tokenizer and the prefix cache.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPLY } from '../helpers/openai-server.js';
import {
  chatTokens,
  countTokens,
  renderChat,
  startWindowServer,
  type WindowServer,
  type WindowServerOptions,
} from '../helpers/window-servers.js';

const open: WindowServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(opts: WindowServerOptions): Promise<{ server: WindowServer; client: OpenAI }> {
  const server = await startWindowServer(opts);
  open.push(server);
  return { server, client: new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 0 }) };
}

async function thrown(fn: () => Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return err as InstanceType<typeof OpenAI.APIError>;
  }
  throw new Error('expected a rejection');
}

const getJson = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const postJson = (url: string, body: unknown) =>
  getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `n` words of 2 tokens each ("lorem" = "lor" + "em"). */
const words = (n: number, word = 'lorem') => Array.from({ length: n }, () => word).join(' ');
const SYSTEM = 'You are the narrator of a text adventure. Answer with one JSON object.';
const msgs = (user: string, system = SYSTEM): ChatCompletionMessageParam[] => [
  { role: 'system', content: system },
  { role: 'user', content: user },
];
const REPLY_JSON = JSON.stringify(DEFAULT_REPLY);

describe('tokenizer', () => {
  it('is script-aware and not chars/4', () => {
    expect(countTokens('hello world')).toBe(4); // hel lo wor ld
    expect(countTokens('a.b, c!')).toBe(6);
    expect(countTokens('   \n\t ')).toBe(0);
    expect(countTokens('こんにちは')).toBe(5);
    expect(countTokens('你好，世界')).toBe(5);
    expect(countTokens('안녕하세요')).toBe(5);
    expect(countTokens('カタカナ')).toBe(4);
    expect(countTokens('café 🙂')).toBe(3); // caf é 🙂
    const cjk = '物語の始まりは静かな村だった。'.repeat(20);
    expect(countTokens(cjk)).toBe(Array.from(cjk).length); // 300, where chars/4 says 75
    expect(countTokens('<|im_start|>')).toBe(1);
  });

  it('chat prompts: 3 per request + 4 per message + role + content', () => {
    expect(chatTokens([{ role: 'user', content: 'hi' }])).toBe(3 + 4 + 2 + 1);
    expect(chatTokens([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])).toBe(10);
    expect(chatTokens(msgs('go north'))).toBe(3 + 4 + 2 + countTokens(SYSTEM) + 4 + 2 + 3);
  });
});

describe('llamacpp', () => {
  it('discovery: /props, /slots, /health, /v1/models with n_ctx_train', async () => {
    const { server, client } = await start({ flavour: 'llamacpp', window: 4096, modelContext: 32768 });
    expect(server.baseURL.endsWith('/v1')).toBe(true);
    expect(server.root + '/v1').toBe(server.baseURL);
    const props = await getJson(`${server.root}/props`);
    expect(props.status).toBe(200);
    expect(props.body).toMatchObject({
      default_generation_settings: { n_ctx: 4096 },
      total_slots: 1,
      model_path: expect.stringMatching(/\.gguf$/),
    });
    const slots = await getJson(`${server.root}/slots`);
    expect(slots.body).toEqual([expect.objectContaining({ id: 0, n_ctx: 4096 })]);
    expect((await getJson(`${server.root}/health`)).body).toEqual({ status: 'ok' });
    const models = await client.models.list();
    expect(models.data[0]).toMatchObject({ id: 'fake-model', owned_by: 'llamacpp', meta: { n_ctx_train: 32768 } });
  });

  it('/tokenize counts like the chat route; /apply-template + /tokenize gives the exact chat count', async () => {
    const { server, client } = await start({ flavour: 'llamacpp', window: 4096 });
    const text = 'The lighthouse keeper 灯台守 waits.';
    const plain = await postJson(`${server.root}/tokenize`, { content: text });
    expect((plain.body.tokens as number[]).length).toBe(countTokens(text));
    const special = await postJson(`${server.root}/tokenize`, { content: text, add_special: true });
    expect((special.body.tokens as number[]).length).toBe(countTokens(text) + 1);
    const pieces = await postJson(`${server.root}/tokenize`, { content: 'hello', with_pieces: true });
    expect(pieces.body.tokens).toEqual([
      { id: expect.any(Number), piece: 'hel' },
      { id: expect.any(Number), piece: 'lo' },
    ]);

    const messages = msgs('Light the lamp and climb the stairs.');
    const { body: tpl } = await postJson(`${server.root}/apply-template`, { messages });
    expect(tpl.prompt).toBe(renderChat(messages as Array<{ role: string; content: string }>));
    const counted = await postJson(`${server.root}/tokenize`, { content: tpl.prompt, add_special: true });
    const res = await client.chat.completions.create({ model: 'm', messages });
    expect(res.usage!.prompt_tokens).toBe((counted.body.tokens as number[]).length);
    expect(res.usage!.prompt_tokens).toBe(chatTokens(messages));
    expect(server.promptTokens).toEqual([chatTokens(messages)]);
  });

  it('a prompt of >= n_ctx tokens is the exact 400 exceed_context_size_error, and the queue is kept', async () => {
    const { server, client } = await start({ flavour: 'llamacpp', window: 300 });
    server.enqueue({ kind: 'ok', reply: { kept: true } });
    const messages = msgs(words(200));
    const p = chatTokens(messages);
    expect(p).toBeGreaterThanOrEqual(300);
    const err = await thrown(() => client.chat.completions.create({ model: 'm', messages, max_tokens: 10 }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.error).toEqual({
      code: 400,
      message: `request (${p} tokens) exceeds the available context size (300 tokens), try increasing it`,
      type: 'exceed_context_size_error',
      n_prompt_tokens: p,
      n_ctx: 300,
    });
    expect(err.message).toBe(`400 request (${p} tokens) exceeds the available context size (300 tokens), try increasing it`);
    // streaming is refused the same way, before any event
    const streamErr = await thrown(async () => {
      const s = await client.chat.completions.create({ model: 'm', messages, stream: true });
      for await (const chunk of s) void chunk;
    });
    expect(streamErr.status).toBe(400);
    expect(server.overflows).toBe(2);
    expect(server.seen.slice(0, 2)).toEqual([[], []]);

    const ok = await client.chat.completions.create({ model: 'm', messages: msgs('hi') });
    expect(ok.choices[0]!.message.content).toBe('{"kept":true}');
    expect(server.promptTokens).toEqual([p, p, chatTokens(msgs('hi'))]);
  });

  it('a prompt that fits but leaves too little room is cut where the window ends (finish "length")', async () => {
    const { server, client } = await start({ flavour: 'llamacpp', window: 200 });
    const messages = msgs(words(40));
    const p = chatTokens(messages);
    expect(p).toBeLessThan(200);
    expect(countTokens(REPLY_JSON)).toBeGreaterThan(200 - p);

    const res = await client.chat.completions.create({ model: 'm', messages, max_tokens: 1000 });
    const content = res.choices[0]!.message.content!;
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(REPLY_JSON.startsWith(content)).toBe(true);
    expect(countTokens(content)).toBe(200 - 1 - p);
    expect(res.usage).toMatchObject({ prompt_tokens: p, completion_tokens: 200 - 1 - p });
    expect(server.windowCut).toBe(1);

    // streamed: the same cut, piece by piece
    const streamed = await client.chat.completions.stream({ model: 'm', messages, max_tokens: 1000 }).finalChatCompletion();
    expect(streamed.choices[0]!.message.content).toBe(content);
    expect(streamed.choices[0]!.finish_reason).toBe('length');

    // max_tokens smaller than the room: cut by max_tokens, not by the window
    const small = await client.chat.completions.create({ model: 'm', messages, max_tokens: 5 });
    expect(countTokens(small.choices[0]!.message.content!)).toBe(5);
    expect(small.choices[0]!.finish_reason).toBe('length');
    expect(server.windowCut).toBe(2);
    expect(server.overflows).toBe(0);

    // room enough: the whole reply, "stop"
    const roomy = await start({ flavour: 'llamacpp', window: 4096 });
    const full = await roomy.client.chat.completions.create({ model: 'm', messages, max_tokens: 1000 });
    expect(full.choices[0]!.message.content).toBe(REPLY_JSON);
    expect(full.choices[0]!.finish_reason).toBe('stop');
    expect(full.usage!.completion_tokens).toBe(countTokens(REPLY_JSON));
  });

  it('reports cached_tokens for the prefix shared with the previous request', async () => {
    const { client } = await start({ flavour: 'llamacpp', window: 4096 });
    const first = msgs('Look around.');
    const r1 = await client.chat.completions.create({ model: 'm', messages: first });
    expect(r1.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const second: ChatCompletionMessageParam[] = [...first, { role: 'assistant', content: REPLY_JSON }, { role: 'user', content: 'Open the door.' }];
    const r2 = await client.chat.completions.create({ model: 'm', messages: second });
    // BOS + both old messages + the "<|im_start|>" that opened the generation prompt
    expect(r2.usage!.prompt_tokens_details!.cached_tokens).toBe(chatTokens(first) - 1);
    const r3 = await client.chat.completions.create({ model: 'm', messages: second });
    expect(r3.usage!.prompt_tokens_details!.cached_tokens).toBe(r3.usage!.prompt_tokens - 1);
  });

  it('a JSON schema in response_format is a grammar, not prompt tokens', async () => {
    const { client } = await start({ flavour: 'llamacpp', window: 4096 });
    const messages = msgs('Go.');
    const schema = { type: 'object', properties: { narration: { type: 'string' } }, required: ['narration'], additionalProperties: false };
    const plain = await client.chat.completions.create({ model: 'm', messages });
    const withSchema = await client.chat.completions.create({
      model: 'm',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'turn', strict: true, schema } },
    });
    expect(withSchema.usage!.prompt_tokens).toBe(plain.usage!.prompt_tokens);
  });
});

describe('vllm', () => {
  it('discovery: max_model_len in /v1/models; /tokenize counts a chat exactly', async () => {
    const { server, client } = await start({ flavour: 'vllm', window: 8192 });
    const models = await client.models.list();
    expect(models.data[0]).toMatchObject({
      id: 'fake-model',
      object: 'model',
      owned_by: 'vllm',
      root: 'fake-model',
      max_model_len: 8192,
      permission: [expect.objectContaining({ object: 'model_permission' })],
    });
    const messages = msgs('Go north.');
    const tok = await postJson(`${server.root}/tokenize`, { model: 'fake-model', messages });
    expect(tok.body).toMatchObject({ count: chatTokens(messages), max_model_len: 8192 });
    const res = await client.chat.completions.create({ model: 'fake-model', messages, max_tokens: 500 });
    expect(res.usage!.prompt_tokens).toBe(chatTokens(messages));
    expect((await getJson(`${server.root}/props`)).status).toBe(404);
  });

  it('flat (default): prompt + max_tokens > max_model_len is the classic 400 at the top level, which the SDK cannot read', async () => {
    const { server, client } = await start({ flavour: 'vllm', window: 300 });
    const messages = msgs(words(100));
    const p = chatTokens(messages);
    expect(p).toBeLessThan(300);
    const text = `This model's maximum context length is 300 tokens. However, you requested ${p + 200} tokens (${p} in the messages, 200 in the completion). Please reduce the length of the messages or completion.`;
    const err = await thrown(() => client.chat.completions.create({ model: 'm', messages, max_tokens: 200 }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toBeUndefined();
    expect(err.message).toBe('400 status code (no body)');
    const raw = await postJson(`${server.baseURL}/chat/completions`, { model: 'm', messages, max_completion_tokens: 200 });
    expect(raw).toEqual({ status: 400, body: { object: 'error', message: text, type: 'BadRequestError', param: null, code: 400 } });
    // without max_tokens only a prompt of >= max_model_len is refused
    const long = msgs(words(200));
    const pl = chatTokens(long);
    const noMax = await postJson(`${server.baseURL}/chat/completions`, { model: 'm', messages: long });
    expect(noMax.body.message).toBe(
      `This model's maximum context length is 300 tokens. However, you requested ${pl} tokens in the messages, Please reduce the length of the messages.`,
    );
    expect(server.overflows).toBe(3);
    const ok = await client.chat.completions.create({ model: 'm', messages, max_tokens: 300 - p });
    expect(ok.usage!.prompt_tokens).toBe(p);
  });

  it('nested and current styles reach the SDK', async () => {
    const messages = msgs(words(100));
    const p = chatTokens(messages);
    const nested = await start({ flavour: 'vllm', window: 300, vllmStyle: 'nested' });
    const e1 = await thrown(() => nested.client.chat.completions.create({ model: 'm', messages, max_tokens: 200 }));
    expect(e1.message).toBe(
      `400 This model's maximum context length is 300 tokens. However, you requested ${p + 200} tokens (${p} in the messages, 200 in the completion). Please reduce the length of the messages or completion.`,
    );
    expect(e1).toMatchObject({ type: 'BadRequestError', code: 400, param: null });

    const current = await start({ flavour: 'vllm', window: 300, vllmStyle: 'current' });
    const e2 = await thrown(() => current.client.chat.completions.create({ model: 'm', messages, max_tokens: 200 }));
    expect(e2.error).toEqual({
      message: `You passed ${p} input tokens and requested 200 output tokens. However, the model's context length is only 300 tokens, resulting in a maximum input length of 100 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=${p})`,
      type: 'BadRequestError',
      param: 'input_tokens',
      code: 400,
    });
  });

  it('cached_tokens come in whole blocks of 16', async () => {
    const { client } = await start({ flavour: 'vllm', window: 8192 });
    const first = msgs(words(60));
    await client.chat.completions.create({ model: 'm', messages: first });
    const r = await client.chat.completions.create({ model: 'm', messages: [...first, { role: 'user', content: 'more' }] });
    const cached = r.usage!.prompt_tokens_details!.cached_tokens!;
    expect(cached % 16).toBe(0);
    expect(cached).toBe(Math.floor((chatTokens(first) - 1) / 16) * 16);
  });
});

describe('ollama', () => {
  it('discovery: /, /api/version, /api/ps context_length, /api/show model_info', async () => {
    const { server, client } = await start({ flavour: 'ollama', window: 4096, modelContext: 131072 });
    const rootRes = await fetch(server.root + '/');
    expect(await rootRes.text()).toBe('Ollama is running');
    expect((await getJson(`${server.root}/api/version`)).body).toEqual({ version: expect.stringMatching(/^0\.12\./) });
    const ps = await getJson(`${server.root}/api/ps`);
    expect(ps.body.models).toEqual([
      expect.objectContaining({ name: 'fake-model:latest', model: 'fake-model:latest', context_length: 4096, size_vram: expect.any(Number), expires_at: expect.any(String), details: expect.objectContaining({ family: 'llama' }) }),
    ]);
    const show = await postJson(`${server.root}/api/show`, { model: 'fake-model' });
    expect(show.status).toBe(200);
    expect(show.body).toMatchObject({
      modelfile: expect.any(String),
      parameters: expect.any(String),
      template: expect.any(String),
      details: expect.objectContaining({ format: 'gguf' }),
      model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
    });
    expect((await postJson(`${server.root}/api/show`, { model: 'nope' })).status).toBe(404);
    const models = await client.models.list();
    expect(models.data[0]).toMatchObject({ id: 'fake-model:latest', owned_by: 'library' });
  });

  it('/api/ps is empty until the model is loaded by a chat', async () => {
    const { server, client } = await start({ flavour: 'ollama', window: 2048, loaded: false });
    expect((await getJson(`${server.root}/api/ps`)).body).toEqual({ models: [] });
    await client.chat.completions.create({ model: 'fake-model', messages: msgs('hi') });
    const ps = await getJson(`${server.root}/api/ps`);
    expect(ps.body.models).toEqual([expect.objectContaining({ context_length: 2048 })]);
  });

  it('an over-long prompt is silently cut from the FRONT (the system prompt is lost) and answered 200', async () => {
    const { server, client } = await start({ flavour: 'ollama', window: 120 });
    const messages = msgs(words(30, 'north'), `${SYSTEM} ${words(40, 'rules')}`);
    const p = chatTokens(messages);
    expect(p).toBeGreaterThan(120);
    const res = await client.chat.completions.create({ model: 'fake-model', messages, max_tokens: 2000 });
    expect(res.choices[0]!.message.content).toBe(REPLY_JSON);
    expect(res.usage).toEqual({ prompt_tokens: 120, completion_tokens: countTokens(REPLY_JSON), total_tokens: 120 + countTokens(REPLY_JSON) });
    expect(server.promptTokens).toEqual([p]);
    expect(server.truncated).toBe(1);
    expect(server.overflows).toBe(1);
    const seen = server.seen[0]!;
    expect(seen).toHaveLength(2);
    expect(seen[0]!.role).toBe('system');
    expect(seen[0]!.content.startsWith('You are')).toBe(false); // the instructions went first
    expect(`${SYSTEM} ${words(40, 'rules')}`.endsWith(seen[0]!.content)).toBe(true);
    expect(seen[1]).toEqual(messages[1]);
  });

  it('whole old turns go before tokens do; system messages stay', async () => {
    const { server, client } = await start({ flavour: 'ollama', window: 200 });
    const history: ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM }];
    for (let i = 0; i < 6; i++) {
      history.push({ role: 'user', content: `turn ${i} ${words(10)}` });
      history.push({ role: 'assistant', content: `answer ${i} ${words(10)}` });
    }
    history.push({ role: 'user', content: 'now what' });
    expect(chatTokens(history)).toBeGreaterThan(200);
    await client.chat.completions.create({ model: 'fake-model', messages: history });
    const seen = server.seen[0]!;
    expect(seen[0]).toEqual({ role: 'system', content: SYSTEM });
    expect(seen.at(-1)).toEqual({ role: 'user', content: 'now what' });
    expect(seen.length).toBeLessThan(history.length);
    expect(chatTokens(seen)).toBeLessThanOrEqual(200);
    expect(seen.some((m) => m.content.startsWith('turn 0'))).toBe(false);
    expect(server.truncated).toBe(1);
  });

  it('a prompt that fits is untouched and reports no cached tokens', async () => {
    const { server, client } = await start({ flavour: 'ollama', window: 4096 });
    const messages = msgs('hi');
    await client.chat.completions.create({ model: 'fake-model', messages });
    const res = await client.chat.completions.create({ model: 'fake-model', messages });
    expect(res.usage!.prompt_tokens).toBe(chatTokens(messages));
    expect(res.usage!.prompt_tokens_details).toBeUndefined();
    expect(server.truncated).toBe(0);
    expect(server.seen[0]).toEqual(messages);
  });
});

describe('openai', () => {
  it('tells nothing about the window', async () => {
    const { server, client } = await start({ flavour: 'openai', window: 8192 });
    const models = await client.models.list();
    expect(models.data[0]).toEqual({ id: 'fake-model', object: 'model', created: expect.any(Number), owned_by: 'system' });
    for (const path of ['/props', '/api/ps', '/api/version']) expect((await fetch(server.root + path)).status).toBe(404);
  });

  it('over the window is 400 context_length_exceeded, with the two classic texts', async () => {
    const { server, client } = await start({ flavour: 'openai', window: 300 });
    const long = msgs(words(200));
    const pl = chatTokens(long);
    const e1 = await thrown(() => client.chat.completions.create({ model: 'm', messages: long }));
    expect(e1).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e1.error).toEqual({
      message: `This model's maximum context length is 300 tokens. However, your messages resulted in ${pl} tokens. Please reduce the length of the messages.`,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    });
    const mid = msgs(words(100));
    const p = chatTokens(mid);
    const e2 = await thrown(() => client.chat.completions.create({ model: 'm', messages: mid, max_completion_tokens: 250 }));
    expect(e2.code).toBe('context_length_exceeded');
    expect(e2.message).toBe(
      `400 This model's maximum context length is 300 tokens. However, you requested ${p + 250} tokens (${p} in the messages, 250 in the completion). Please reduce the length of the messages or completion.`,
    );
    expect(server.overflows).toBe(2);
    const ok = await client.chat.completions.create({ model: 'm', messages: mid, max_completion_tokens: 300 - p });
    expect(ok.choices[0]!.finish_reason).toBe('length'); // the reply does not fit in what is left
    expect(ok.usage!.completion_tokens).toBe(300 - p);
  });

  it('cached_tokens: nothing under 1024 shared tokens, then steps of 128', async () => {
    const { client } = await start({ flavour: 'openai', window: 128000 });
    const short = msgs('hello');
    await client.chat.completions.create({ model: 'm', messages: short });
    const r1 = await client.chat.completions.create({ model: 'm', messages: short });
    expect(r1.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const big = msgs(words(700));
    await client.chat.completions.create({ model: 'm', messages: big });
    const r2 = await client.chat.completions.create({ model: 'm', messages: [...big, { role: 'user', content: 'again' }] });
    const shared = chatTokens(big) - 1;
    expect(shared).toBeGreaterThan(1024);
    expect(r2.usage!.prompt_tokens_details!.cached_tokens).toBe(Math.floor(shared / 128) * 128);
  });
});

/**
 * Fake local model servers that enforce a CONTEXT WINDOW the way the real ones do (issue 8).
 *
 * Each is a {@link startOpenAIServer} (same fault queue, fallback, SSE and request recording) plus
 * the discovery routes, token counting, overflow behaviour and usage reporting of one backend:
 *
 * - `llamacpp` (llama-server): `GET /props`, `/slots`, `/health`, `POST /tokenize`,
 *   `POST /apply-template`, `/v1/models` with `owned_by: "llamacpp"` and `meta.n_ctx_train`.
 *   A prompt of ≥ window tokens is a 400 `exceed_context_size_error`; a prompt that fits but leaves
 *   too little room is answered and cut where the window ends (finish_reason "length").
 * - `vllm`: `/v1/models` with `max_model_len`, `POST /tokenize`, `/version`, `/health`. prompt +
 *   max_tokens > window is a 400 (three historical error styles, see {@link VllmStyle}).
 * - `ollama`: `GET /`, `/api/version`, `/api/ps` (`context_length`), `POST /api/show`
 *   (`model_info["llama.context_length"]`), `/api/tags`. The OpenAI route never refuses: an
 *   over-long prompt loses whole old messages (system messages kept), then tokens from the FRONT,
 *   silently, and is answered with 200 — the client overflowed and only `truncated` tells.
 * - `openai`: nothing tells the window; over it is a 400 `context_length_exceeded`.
 *
 * All count with one deterministic tokenizer that is deliberately not chars/4 ({@link countTokens}),
 * through a fake chat template (4 tokens per message + 3 per request, {@link chatTokens}).
 * `response_format` (a JSON schema) is never counted: llama.cpp turns it into a grammar.
 */
import {
  contentOf,
  startOpenAIServer,
  type FakeServer,
  type Fault,
  type RecordedRequest,
  type RouteAnswer,
  type StartOptions,
} from './openai-server.js';

export type Flavour = 'llamacpp' | 'vllm' | 'ollama' | 'openai';

/**
 * How the vllm flavour words a context error (all HTTP 400, type "BadRequestError", code 400):
 * - `flat` (default; vLLM up to ~0.10, vllm/entrypoints/openai/serving_engine.py `_validate_input`):
 *   `{"object":"error","message":"This model's maximum context length is W tokens. However, you
 *   requested T tokens (P in the messages, M in the completion). Please reduce the length of the
 *   messages or completion.",...}` at the TOP level — the openai SDK finds no `error` key and its
 *   BadRequestError says only "400 status code (no body)".
 * - `nested`: the same text inside `{"error":{...}}` (later vLLM, ErrorResponse{error: ErrorInfo}).
 * - `current`: vllm/renderers/params.py `_token_len_check`: "You passed P input tokens and requested
 *   M output tokens. However, the model's context length is only W tokens, resulting in a maximum
 *   input length of W-M tokens. Please reduce the length of the input prompt. (parameter=input_tokens,
 *   value=P)", nested, `param: "input_tokens"`.
 */
export type VllmStyle = 'flat' | 'nested' | 'current';

export interface WindowServerOptions extends Pick<StartOptions, 'fallback' | 'rejectResponseFormats'> {
  flavour: Flavour;
  /** the context window in tokens (llama.cpp n_ctx, vLLM max_model_len, Ollama's loaded num_ctx) */
  window: number;
  /** the served model id (default "fake-model"; Ollama lists it as "fake-model:latest") */
  model?: string;
  /** what the model was trained for: llama.cpp `meta.n_ctx_train`, Ollama `/api/show`
   * `model_info["llama.context_length"]` (default 131072) */
  modelContext?: number;
  /** ollama: whether `/api/ps` lists the model at start (default true); any chat loads it */
  loaded?: boolean;
  /** vllm: see {@link VllmStyle} (default "flat") */
  vllmStyle?: VllmStyle;
  /** report `usage.prompt_tokens_details.cached_tokens` (default true; never for ollama, whose
   * OpenAI route has no such field; for vLLM this is `--enable-prompt-tokens-details`) */
  cachedTokens?: boolean;
}

/** A message as the model saw it (after any silent truncation). */
export interface SeenMessage {
  role: string;
  content: string;
}

export interface WindowServer extends FakeServer {
  flavour: Flavour;
  window: number;
  /** the server root, e.g. http://127.0.0.1:PORT (baseURL without /v1) */
  root: string;
  /** the server's own count of each chat request's prompt, in order (for ollama: before it cut) */
  promptTokens: number[];
  /** per chat request, what reached the model: [] when refused, fewer/shorter messages when cut */
  seen: SeenMessage[][];
  /** chat requests whose prompt did not fit the window (refused, or for ollama cut) */
  overflows: number;
  /** chat requests the server silently cut to fit (ollama) */
  truncated: number;
  /** replies the WINDOW (not max_tokens) cut short: prompt + reply ran out of context (llamacpp) */
  windowCut: number;
  /** ollama: whether `/api/ps` lists the model */
  loaded: boolean;
  /** the server's tokenizer: tokens in a plain text (no template, no BOS) */
  countTokens(text: string): number;
  /** the server's count of a chat prompt (template and BOS included) */
  chatTokens(messages: unknown): number;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

const SPECIAL = /<\|[a-z_]+\|>/y;
const isAsciiAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const SPACE = /\s/u;

/** Token spans `[start, end)` (UTF-16 offsets): `<|special|>` markers are one token, a run of
 * ASCII letters/digits is one token per 3 characters, every other non-space character (CJK, kana,
 * Hangul, accented letters, punctuation, emoji) is one token, whitespace is free. */
export function tokenSpans(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x3c) {
      SPECIAL.lastIndex = i;
      const m = SPECIAL.exec(text);
      if (m) {
        out.push([i, i + m[0].length]);
        i += m[0].length;
        continue;
      }
    }
    if (isAsciiAlnum(c)) {
      let j = i;
      while (j < text.length && isAsciiAlnum(text.charCodeAt(j))) j++;
      for (let k = i; k < j; k += 3) out.push([k, Math.min(k + 3, j)]);
      i = j;
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    if (!SPACE.test(String.fromCodePoint(cp))) out.push([i, i + width]);
    i += width;
  }
  return out;
}

/** The fake servers' tokenizer: see {@link tokenSpans}. "hello world" = 4, "こんにちは" = 5. */
export function countTokens(text: string): number {
  return tokenSpans(text).length;
}

const pieces = (text: string) => tokenSpans(text).map(([a, b]) => text.slice(a, b));

/** The text of a message's content: a string, or the text parts of an array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p: unknown) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('');
  return '';
}

function normalise(messages: unknown): SeenMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((m: unknown) => {
    const o = (m ?? {}) as { role?: unknown; content?: unknown };
    return { role: typeof o.role === 'string' ? o.role : '', content: textOf(o.content) };
  });
}

const BOS = '<s>';
const GENERATION_PROMPT = '<|im_start|><|assistant|>';
const renderMessage = (m: SeenMessage) => `<|im_start|>${m.role}<|sep|>${m.content}<|im_end|><|nl|>`;
/** The fake chat template (what `/apply-template` returns): 4 special tokens per message around
 * role and content, then the generation prompt (2); BOS (1) is added when tokenizing. */
export const renderChat = (messages: SeenMessage[]) => messages.map(renderMessage).join('') + GENERATION_PROMPT;
const messageTokens = (m: SeenMessage) => 4 + countTokens(m.role) + countTokens(m.content);

/** The server's count of a chat prompt: 3 per request + per message 4 + role + content. */
export function chatTokens(messages: unknown): number {
  return 3 + normalise(messages).reduce((n, m) => n + messageTokens(m), 0);
}

// ---------------------------------------------------------------------------------------------
// Ollama's silent truncation (server/prompt.go chatPrompt, then the runner's front cut)

function ollamaFit(msgs: SeenMessage[], window: number): SeenMessage[] {
  const total = (list: SeenMessage[]) => 3 + list.reduce((n, m) => n + messageTokens(m), 0);
  // 1. keep the longest suffix of messages that fits, with every system message before it, and
  //    always the last message
  let n = msgs.length - 1;
  for (let i = msgs.length - 2; i >= 0; i--) {
    const candidate = [...msgs.slice(0, i).filter((m) => m.role === 'system'), ...msgs.slice(i)];
    if (total(candidate) > window) break;
    n = i;
  }
  const kept = [...msgs.slice(0, Math.max(0, n)).filter((m) => m.role === 'system'), ...msgs.slice(Math.max(0, n))];
  // 2. still too long: the runner drops tokens from the front (BOS, system prompt, ...)
  let drop = total(kept) - window;
  if (drop <= 0) return kept;
  drop -= 1; // BOS
  const seen: SeenMessage[] = [];
  for (const m of kept) {
    const size = messageTokens(m);
    if (drop >= size) {
      drop -= size;
      continue;
    }
    if (drop <= 0) {
      seen.push(m);
      continue;
    }
    const header = 2 + countTokens(m.role);
    const spans = tokenSpans(m.content);
    const lost = drop - header;
    drop = 0;
    if (lost <= 0) seen.push(m);
    else seen.push({ role: m.role, content: lost >= spans.length ? '' : m.content.slice(spans[lost]![0]) });
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Error bodies

function llamacppOverflow(p: number, w: number) {
  return {
    error: {
      code: 400,
      message: `request (${p} tokens) exceeds the available context size (${w} tokens), try increasing it`,
      type: 'exceed_context_size_error',
      n_prompt_tokens: p,
      n_ctx: w,
    },
  };
}

function vllmOverflow(style: VllmStyle, p: number, m: number | null, w: number): unknown | null {
  if (style === 'current') {
    const out = m ?? 0;
    if (p <= w - out) return null;
    const message =
      `You passed ${p} input tokens and requested ${out} output tokens. However, the model's context length is only ` +
      `${w} tokens, resulting in a maximum input length of ${w - out} tokens. Please reduce the length of the input ` +
      `prompt. (parameter=input_tokens, value=${p})`;
    return { error: { message, type: 'BadRequestError', param: 'input_tokens', code: 400 } };
  }
  let message: string;
  if (m === null) {
    if (p < w) return null;
    message =
      `This model's maximum context length is ${w} tokens. However, you requested ${p} tokens in the messages, ` +
      `Please reduce the length of the messages.`;
  } else {
    if (p + m <= w) return null;
    message =
      `This model's maximum context length is ${w} tokens. However, you requested ${p + m} tokens ` +
      `(${p} in the messages, ${m} in the completion). Please reduce the length of the messages or completion.`;
  }
  const info = { message, type: 'BadRequestError', param: null, code: 400 };
  return style === 'flat' ? { object: 'error', ...info } : { error: info };
}

function openaiOverflow(p: number, m: number | null, w: number): unknown | null {
  let message: string;
  if (p > w)
    message = `This model's maximum context length is ${w} tokens. However, your messages resulted in ${p} tokens. Please reduce the length of the messages.`;
  else if (m !== null && p + m > w)
    message =
      `This model's maximum context length is ${w} tokens. However, you requested ${p + m} tokens ` +
      `(${p} in the messages, ${m} in the completion). Please reduce the length of the messages or completion.`;
  else return null;
  return { error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } };
}

// ---------------------------------------------------------------------------------------------

const CUTTABLE = new Set<Fault['kind']>(['ok', 'raw', 'fenced', 'prose', 'trailing-comma', 'truncated']);

/** `max_completion_tokens`, else `max_tokens`, when a positive number. */
function maxOutput(body: { max_completion_tokens?: unknown; max_tokens?: unknown }): number | null {
  for (const v of [body.max_completion_tokens, body.max_tokens]) if (typeof v === 'number' && v > 0) return Math.floor(v);
  return null;
}

const fakeId = (piece: string) => {
  let h = 0;
  for (let i = 0; i < piece.length; i++) h = (h * 31 + piece.charCodeAt(i)) >>> 0;
  return 100 + (h % 150_000);
};

const json = (body: unknown, status = 200): RouteAnswer => ({ status, body });

/** Starts a window-enforcing server on 127.0.0.1. Always `await server.close()`. */
export async function startWindowServer(opts: WindowServerOptions): Promise<WindowServer> {
  const { flavour, window } = opts;
  const model = opts.model ?? 'fake-model';
  const modelContext = opts.modelContext ?? 131_072;
  const vllmStyle = opts.vllmStyle ?? 'flat';
  const reportCached = opts.cachedTokens ?? true;
  const ollamaName = model.includes(':') ? model : `${model}:latest`;
  const created = Math.floor(Date.now() / 1000);
  const perRequest = new Map<RecordedRequest, { prompt: number; cached: number }>();
  let previous: string[] = [];
  // eslint-disable-next-line prefer-const -- assigned once the base server exists
  let ws: WindowServer;

  const slot = () => ({
    id: 0,
    id_task: -1,
    n_ctx: window,
    speculative: false,
    is_processing: false,
    params: { n_predict: -1, seed: 4294967295, temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, stop: [] },
    prompt: '',
    next_token: { has_next_token: true, has_new_line: false, n_remain: -1, n_decoded: 0, stopping_word: '' },
  });
  const ollamaDetails = {
    parent_model: '',
    format: 'gguf',
    family: 'llama',
    families: ['llama'],
    parameter_size: '3.2B',
    quantization_level: 'Q4_K_M',
  };
  const digest = 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72';

  const routes = (req: RecordedRequest, method: string): RouteAnswer | undefined => {
    const path = req.path;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON from the client
    const body: any = req.body && typeof req.body === 'object' ? req.body : {};
    if (flavour === 'llamacpp') {
      if (method === 'GET' && (path === '/health' || path === '/v1/health')) return json({ status: 'ok' });
      if (method === 'GET' && path === '/props')
        return json({
          default_generation_settings: slot(),
          total_slots: 1,
          model_alias: model,
          model_path: `/models/${model}.gguf`,
          modalities: { vision: false, audio: false },
          chat_template: '{% for m in messages %}<|im_start|>{{ m.role }}<|sep|>{{ m.content }}<|im_end|><|nl|>{% endfor %}<|im_start|><|assistant|>',
          bos_token: BOS,
          eos_token: '<|im_end|>',
          build_info: 'b6500-fake',
          is_sleeping: false,
        });
      if (method === 'GET' && path === '/slots') return json([slot()]);
      if (method === 'POST' && path === '/tokenize') {
        const content = typeof body.content === 'string' ? body.content : '';
        const list = pieces(content);
        const ids = list.map(fakeId);
        const withBos = body.add_special === true;
        if (body.with_pieces === true) {
          const tokens = list.map((piece, i) => ({ id: ids[i], piece }));
          return json({ tokens: withBos ? [{ id: 1, piece: BOS }, ...tokens] : tokens });
        }
        return json({ tokens: withBos ? [1, ...ids] : ids });
      }
      if (method === 'POST' && path === '/apply-template') return json({ prompt: renderChat(normalise(body.messages)) });
      if (method === 'GET' && (path === '/v1/models' || path === '/models'))
        return json({
          models: [
            { name: model, model, modified_at: '', size: '', digest: '', type: 'model', description: '', tags: [''], capabilities: ['completion'], parameters: '', details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' } },
          ],
          object: 'list',
          data: [
            {
              id: model,
              object: 'model',
              created,
              owned_by: 'llamacpp',
              meta: { vocab_type: 2, n_vocab: 151_936, n_ctx_train: modelContext, n_embd: 2048, n_params: 1_543_714_304, size: 1_117_320_736 },
            },
          ],
        });
      return undefined;
    }
    if (flavour === 'vllm') {
      if (method === 'GET' && path === '/v1/models')
        return json({
          object: 'list',
          data: [
            {
              id: model,
              object: 'model',
              created,
              owned_by: 'vllm',
              root: model,
              parent: null,
              max_model_len: window,
              permission: [
                {
                  id: 'modelperm-fake0',
                  object: 'model_permission',
                  created,
                  allow_create_engine: false,
                  allow_sampling: true,
                  allow_logprobs: true,
                  allow_search_indices: false,
                  allow_view: true,
                  allow_fine_tuning: false,
                  organization: '*',
                  group: null,
                  is_blocking: false,
                },
              ],
            },
          ],
        });
      if (method === 'GET' && path === '/health') return { status: 200, body: '' };
      if (method === 'GET' && path === '/version') return json({ version: '0.10.1' });
      if (method === 'POST' && path === '/tokenize') {
        const special = body.add_special_tokens !== false;
        const list = Array.isArray(body.messages)
          ? [BOS, ...pieces(renderChat(normalise(body.messages)))]
          : [...(special ? [BOS] : []), ...pieces(typeof body.prompt === 'string' ? body.prompt : '')];
        return json({ count: list.length, max_model_len: window, tokens: list.map((p) => (p === BOS ? 1 : fakeId(p))), token_strs: null });
      }
      return undefined;
    }
    if (flavour === 'ollama') {
      if (method === 'GET' && path === '/') return { status: 200, body: 'Ollama is running' };
      if (method === 'GET' && path === '/api/version') return json({ version: '0.12.6' });
      if (method === 'GET' && path === '/api/ps')
        return json({
          models: ws.loaded
            ? [
                {
                  name: ollamaName,
                  model: ollamaName,
                  size: 3_338_801_804,
                  digest,
                  details: ollamaDetails,
                  expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
                  size_vram: 3_338_801_804,
                  context_length: window,
                },
              ]
            : [],
        });
      if (method === 'GET' && path === '/api/tags')
        return json({ models: [{ name: ollamaName, model: ollamaName, modified_at: new Date(created * 1000).toISOString(), size: 2_019_393_189, digest, details: ollamaDetails }] });
      if (method === 'POST' && path === '/api/show') {
        const asked = typeof body.model === 'string' ? body.model : typeof body.name === 'string' ? body.name : '';
        const name = asked.includes(':') ? asked : `${asked}:latest`;
        if (name !== ollamaName) return json({ error: `model '${asked}' not found` }, 404);
        return json({
          license: '',
          modelfile: `# Modelfile generated by "ollama show"\nFROM /root/.ollama/models/blobs/sha256-${digest}\n`,
          parameters: 'stop                           "<|eot_id|>"',
          template: '{{ .Prompt }}',
          details: ollamaDetails,
          model_info: {
            'general.architecture': 'llama',
            'general.parameter_count': 3_212_749_888,
            'llama.context_length': modelContext,
            'llama.embedding_length': 3072,
            'llama.block_count': 28,
          },
          capabilities: ['completion', 'tools'],
          modified_at: new Date(created * 1000).toISOString(),
        });
      }
      if (method === 'GET' && path === '/v1/models')
        return json({ object: 'list', data: [{ id: ollamaName, object: 'model', created, owned_by: 'library' }] });
      return undefined;
    }
    if (method === 'GET' && path === '/v1/models')
      return json({ object: 'list', data: [{ id: model, object: 'model', created, owned_by: 'system' }] });
    return undefined;
  };

  const cachedOf = (prompt: string[]): number => {
    let k = 0;
    while (k < prompt.length && k < previous.length && prompt[k] === previous[k]) k++;
    const usable = Math.min(k, prompt.length - 1); // the last prompt token is always evaluated
    if (flavour === 'vllm') return Math.floor(usable / 16) * 16; // whole KV blocks of 16
    if (flavour === 'openai') return k >= 1024 ? Math.floor(k / 128) * 128 : 0; // 1024, then steps of 128
    return Math.max(0, usable);
  };

  const chat = (req: RecordedRequest, _index: number, next: () => Fault): Fault => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON from the client
    const body: any = req.body;
    const msgs = normalise(body.messages);
    const p = chatTokens(msgs);
    const m = maxOutput(body);
    ws.promptTokens.push(p);

    let refusal: unknown = null;
    if (flavour === 'llamacpp' && p >= window) refusal = llamacppOverflow(p, window);
    else if (flavour === 'vllm') refusal = vllmOverflow(vllmStyle, p, m, window);
    else if (flavour === 'openai') refusal = openaiOverflow(p, m, window);
    if (refusal !== null) {
      ws.overflows++;
      ws.seen.push([]);
      return { kind: 'status', status: 400, body: refusal };
    }

    let seen = msgs;
    let prompt = p;
    if (flavour === 'ollama') {
      ws.loaded = true;
      if (p > window) {
        ws.overflows++;
        ws.truncated++;
        seen = ollamaFit(msgs, window);
        prompt = Math.min(chatTokens(seen), window); // what the runner evaluated
      }
    }
    ws.seen.push(seen);
    const tokens = [BOS, ...pieces(renderChat(seen))];
    perRequest.set(req, { prompt, cached: flavour === 'ollama' ? 0 : cachedOf(tokens) });
    previous = tokens;

    const fault = next();
    const produced = CUTTABLE.has(fault.kind) ? contentOf(fault) : null;
    if (!produced) return fault;
    // room the window leaves: llama.cpp stops when prompt + generated + 1 reaches n_ctx;
    // ollama shifts its context instead of stopping
    const room = flavour === 'llamacpp' ? window - 1 - prompt : flavour === 'ollama' ? Infinity : window - prompt;
    const limit = Math.min(m ?? Infinity, room);
    const spans = tokenSpans(produced.content);
    if (spans.length <= limit) return fault;
    if (room < (m ?? Infinity)) ws.windowCut++;
    const cut = limit <= 0 ? '' : produced.content.slice(0, spans[limit - 1]![1]);
    return { kind: 'raw', content: cut, finish_reason: 'length' };
  };

  const usage = (req: RecordedRequest, text: string): unknown => {
    const info = perRequest.get(req) ?? { prompt: chatTokens(req.body?.messages), cached: 0 };
    const completion = countTokens(text);
    const base = { prompt_tokens: info.prompt, completion_tokens: completion, total_tokens: info.prompt + completion };
    if (flavour === 'ollama') return base;
    if (flavour === 'openai')
      return {
        ...base,
        prompt_tokens_details: { cached_tokens: reportCached ? info.cached : 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      };
    if (flavour === 'vllm') return { ...base, prompt_tokens_details: reportCached ? { cached_tokens: info.cached } : null };
    return reportCached ? { ...base, prompt_tokens_details: { cached_tokens: info.cached } } : base;
  };

  const startOpts: StartOptions = { routes, chat, usage };
  if (opts.fallback !== undefined) startOpts.fallback = opts.fallback;
  if (opts.rejectResponseFormats !== undefined) startOpts.rejectResponseFormats = opts.rejectResponseFormats;
  const base = await startOpenAIServer(startOpts);
  ws = Object.assign(base, {
    flavour,
    window,
    root: base.baseURL.replace(/\/v1$/, ''),
    promptTokens: [] as number[],
    seen: [] as SeenMessage[][],
    overflows: 0,
    truncated: 0,
    windowCut: 0,
    loaded: opts.loaded ?? true,
    countTokens,
    chatTokens,
  });
  return ws;
}

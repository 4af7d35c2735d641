/**
 * A real local HTTP server that speaks the OpenAI chat-completions API, for tests.
 *
 * Tests drive it with the real `openai` SDK (or the built CLI) over HTTP, never with mocks of
 * the SDK. Replies are scripted as a queue of {@link Fault}s, one consumed per
 * `POST /v1/chat/completions`; when the queue is empty the fallback answers (by default a valid
 * PromptQuest turn, {@link DEFAULT_REPLY}).
 *
 * Routes: `POST /v1/chat/completions` (JSON or SSE when `stream: true`), `GET /v1/models`;
 * anything else is a 404 with an OpenAI-style error body. Every request is recorded, in order.
 *
 * Servers that imitate a particular backend (tests/helpers/window-servers.ts) add routes with
 * `routes`, answer chat requests before the queue with `chat`, and count tokens with `usage`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Reply } from '../../src/core/reply.js';

/** One scripted answer to a chat-completions request. */
export type Fault =
  /** content = JSON.stringify(reply); `usage`, when given, is sent as is instead of the computed
   * counts (servers that send `{}` or partial usage) */
  | { kind: 'ok'; reply: unknown; usage?: unknown }
  /** the exact content string (fenced, prose-wrapped, trailing comma, wrong types, control chars...) */
  | { kind: 'raw'; content: string; finish_reason?: 'stop' | 'length' }
  /** content = "```json\n" + pretty JSON + "\n```" */
  | { kind: 'fenced'; reply: unknown }
  /** content = "Sure! Here is the turn:\n{...}\nHope you enjoy." */
  | { kind: 'prose'; reply: unknown }
  /** the JSON with a comma inserted before its last `}` */
  | { kind: 'trailing-comma'; reply: unknown }
  /** the first half of the JSON, finish_reason "length" */
  | { kind: 'truncated'; reply: unknown }
  /** message.content null, message.refusal set (OpenAI style); streamed as `delta.refusal` chunks */
  | { kind: 'refusal'; text?: string }
  /** an HTTP error: `retryAfter` (seconds) sets Retry-After; `body` replaces the default OpenAI
   * error JSON (a string body is sent as text/plain, like a proxy's error page) */
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  /** answers like `ok` after `delayMs` (for client timeouts and aborts) */
  | { kind: 'slow'; delayMs: number; reply: unknown }
  /** streaming: role chunk + about half the content chunks, then the socket is destroyed;
   * non-streaming: the socket is destroyed without any response */
  | { kind: 'drop'; reply: unknown }
  /** never answers, until the client aborts or the server closes */
  | { kind: 'hang' };

export interface RecordedRequest {
  /** URL path without the query string, e.g. `/v1/chat/completions` */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** the parsed JSON body; `null` for an empty body; the raw text if it was not JSON */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON from the client
  body: any;
}

/** `index` is the request's position in {@link FakeServer.requests}. */
type FallbackSpec = ((req: RecordedRequest, index: number) => Fault) | Fault;

export interface FakeServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  /** every request received (chat completions, models, 404s...), in order */
  requests: RecordedRequest[];
  /** scripted replies, consumed one per chat-completions request, in order */
  enqueue(...faults: Fault[]): void;
  /** used when the queue is empty (default: `{kind: 'ok', reply: DEFAULT_REPLY}`) */
  setFallback(f: FallbackSpec): void;
  /** destroys open connections (ending `hang` and `slow` requests) and stops listening */
  close(): Promise<void>;
}

/** An answer to a non-chat route; a string body is sent as text/plain. */
export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: http.OutgoingHttpHeaders;
}

export interface StartOptions {
  fallback?: FallbackSpec;
  /** answer 400 (like LM Studio) to these `response_format.type`s, without consuming a fault */
  rejectResponseFormats?: Array<'json_schema' | 'json_object'>;
  /** tried first for every request (after recording it); `undefined` falls through to the built-in
   * routes, so this both adds routes and replaces `GET /v1/models` */
  routes?: (req: RecordedRequest, method: string) => RouteAnswer | undefined;
  /** answers a well-formed chat request: `next()` takes the next fault (queue, then fallback);
   * return a fault without calling it (e.g. a 400) to leave the queue untouched */
  chat?: (req: RecordedRequest, index: number, next: () => Fault) => Fault;
  /** the `usage` object of a reply, instead of the chars/4 estimate; `text` is the content (or
   * refusal) sent. A fault's own `usage` still wins. */
  usage?: (req: RecordedRequest, text: string) => unknown;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A valid turn under PromptQuest's reply contract (src/core/reply.ts). Frozen. */
export const DEFAULT_REPLY: Reply = deepFreeze({
  narration:
    'You stand at the mouth of a moss-covered cave. Cold air drifts out, carrying the smell of rain and old stone.',
  choices: ['Step into the cave', 'Follow the stream downhill', 'Call out into the darkness'],
  image_prompt: 'the mouth of a moss-covered cave in a misty forest, cold morning light, fantasy illustration',
  state_changes: { add_items: [], remove_items: [], stats: [], flags: [] },
  game_over: null,
});

/** A fresh (mutable) copy of {@link DEFAULT_REPLY} with `overrides` applied on top. */
export function validReply(overrides: Partial<Reply> = {}): Reply {
  return { ...structuredClone(DEFAULT_REPLY), ...structuredClone(overrides) };
}

const MODEL_IDS = ['fake-model', 'fake-model-small'] as const;

const REJECTED_FORMAT_ERROR = {
  error: {
    message: "'response_format.type' must be 'json_schema' or 'text'",
    type: 'invalid_request_error',
    param: 'response_format',
    code: null,
  },
};

function errorBody(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } };
}

function defaultStatusBody(status: number) {
  if (status === 429)
    return errorBody('Rate limit reached for requests. Please try again later.', 'requests', null, 'rate_limit_exceeded');
  if (status === 401) return errorBody('Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
  if (status === 404) return errorBody('The model does not exist.', 'invalid_request_error', 'model', 'model_not_found');
  if (status >= 500) return errorBody('The server had an error while processing your request.', 'server_error');
  return errorBody(`Request failed with status ${status}.`, 'invalid_request_error');
}

/** The content string a fault produces, and its finish_reason; `null` for faults without content
 * (refusal, status, hang). */
export function contentOf(fault: Fault): { content: string; finish: 'stop' | 'length' } | null {
  switch (fault.kind) {
    case 'ok':
    case 'slow':
    case 'drop':
      return { content: JSON.stringify(fault.reply), finish: 'stop' };
    case 'raw':
      return { content: fault.content, finish: fault.finish_reason ?? 'stop' };
    case 'fenced':
      return { content: '```json\n' + JSON.stringify(fault.reply, null, 2) + '\n```', finish: 'stop' };
    case 'prose':
      return { content: `Sure! Here is the turn:\n${JSON.stringify(fault.reply)}\nHope you enjoy.`, finish: 'stop' };
    case 'trailing-comma': {
      const json = JSON.stringify(fault.reply);
      const at = json.lastIndexOf('}');
      return { content: at < 0 ? json + ',' : json.slice(0, at) + ',' + json.slice(at), finish: 'stop' };
    }
    case 'truncated': {
      const json = JSON.stringify(fault.reply);
      return { content: json.slice(0, Math.floor(json.length / 2)), finish: 'length' };
    }
    default:
      return null;
  }
}

/** Splits text (by code point) into pieces of 2..7 characters, so clients see partial JSON. */
function splitChunks(text: string): string[] {
  const chars = Array.from(text);
  const sizes = [3, 5, 2, 7, 4];
  const out: string[] = [];
  for (let i = 0, k = 0; i < chars.length; k++) {
    const size = sizes[k % sizes.length] ?? 4;
    out.push(chars.slice(i, i + size).join(''));
    i += size;
  }
  return out;
}

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Starts a server on 127.0.0.1 (a free port). Always `await server.close()` (e.g. in afterAll). */
export async function startOpenAIServer(opts: StartOptions = {}): Promise<FakeServer> {
  const queue: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const rejected = new Set<string>(opts.rejectResponseFormats ?? []);
  let fallback: FallbackSpec = opts.fallback ?? { kind: 'ok', reply: DEFAULT_REPLY };
  let seq = 0;
  let closing: Promise<void> | undefined;

  const later = (ms: number, res: http.ServerResponse, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const answerChat = (req: RecordedRequest, res: http.ServerResponse, fault: Fault, requestId: string) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON from the client
    const body: any = req.body;
    const model = typeof body.model === 'string' ? body.model : MODEL_IDS[0];
    const stream = body.stream === true;
    const includeUsage = stream && body.stream_options?.include_usage === true;
    const id = `chatcmpl-fake${++seq}`;
    const created = Math.floor(Date.now() / 1000);
    const headers = { 'x-request-id': requestId };

    switch (fault.kind) {
      case 'hang':
        return;
      case 'status': {
        const extra: http.OutgoingHttpHeaders = { ...headers };
        if (fault.retryAfter !== undefined) extra['retry-after'] = String(fault.retryAfter);
        sendJson(res, fault.status, fault.body === undefined ? defaultStatusBody(fault.status) : fault.body, extra);
        return;
      }
      case 'slow':
        later(fault.delayMs, res, () => answerChat(req, res, { kind: 'ok', reply: fault.reply }, requestId));
        return;
      case 'drop':
        if (!stream) {
          res.socket?.destroy();
          return;
        }
        break;
      default:
        break;
    }

    const refusal = fault.kind === 'refusal' ? (fault.text ?? "I'm sorry, I can't help with that.") : null;
    const produced = contentOf(fault);
    const content = produced?.content ?? null;
    const finish = produced?.finish ?? 'stop';
    const estimated = () => {
      const prompt = estimateTokens(JSON.stringify(body.messages ?? []));
      const completion = estimateTokens(content ?? refusal ?? '');
      return {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: 0 },
      };
    };
    const usage: unknown = opts.usage ? opts.usage(req, content ?? refusal ?? '') : estimated();
    const sentUsage: unknown = fault.kind === 'ok' && 'usage' in fault ? fault.usage : usage;

    if (!stream) {
      sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: 'fp_fake',
          choices: [
            { index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: finish },
          ],
          usage: sentUsage,
        },
        headers,
      );
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers,
    });
    const chunk = (delta: object, finishReason: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      })}\n\n`;

    const events: string[] = [];
    if (refusal !== null) {
      events.push(chunk({ role: 'assistant', content: null, refusal: '' }, null));
      for (const piece of splitChunks(refusal)) events.push(chunk({ refusal: piece }, null));
    } else {
      events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
      for (const piece of splitChunks(content ?? '')) events.push(chunk({ content: piece }, null));
    }

    if (fault.kind === 'drop') {
      const partial = events.slice(0, Math.max(2, Math.ceil(events.length / 2)));
      res.write(partial.join(''), () => res.destroy());
      return;
    }

    events.push(chunk({}, finish));
    if (includeUsage) {
      events.push(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage: sentUsage })}\n\n`,
      );
    }
    events.push('data: [DONE]\n\n');
    res.end(events.join(''));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '') || '/';
    let body: unknown = null;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const recorded: RecordedRequest = { path, headers: { ...req.headers }, body };
    const index = requests.push(recorded) - 1;
    const requestId = `req_fake_${index}`;

    const routed = opts.routes?.(recorded, req.method ?? 'GET');
    if (routed) {
      sendJson(res, routed.status, routed.body, routed.headers);
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const created = Math.floor(Date.now() / 1000);
      sendJson(res, 200, {
        object: 'list',
        data: MODEL_IDS.map((mid) => ({ id: mid, object: 'model', created, owned_by: 'promptquest-tests' })),
      });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(
        res,
        404,
        errorBody(`Unknown request URL: ${req.method ?? '?'} ${req.url ?? ''}.`, 'invalid_request_error', null, 'unknown_url'),
      );
      return;
    }
    if (badJson || typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendJson(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error'));
      return;
    }
    const chat = body as { messages?: unknown; response_format?: { type?: unknown } };
    if (!Array.isArray(chat.messages)) {
      sendJson(res, 400, errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', 'messages'));
      return;
    }
    const formatType = chat.response_format?.type;
    if (typeof formatType === 'string' && rejected.has(formatType)) {
      sendJson(res, 400, REJECTED_FORMAT_ERROR, { 'x-request-id': requestId });
      return;
    }
    const next = (): Fault => queue.shift() ?? (typeof fallback === 'function' ? fallback(recorded, index) : fallback);
    const fault = opts.chat ? opts.chat(recorded, index, next) : next();
    answerChat(recorded, res, fault, requestId);
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(parts).toString('utf8'));
      } catch (err) {
        if (!res.headersSent) sendJson(res, 500, errorBody(`fake server bug: ${String(err)}`, 'server_error'));
        else res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue(...faults: Fault[]) {
      queue.push(...faults);
    },
    setFallback(f: FallbackSpec) {
      fallback = f;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}

/** The engine's small intent call (issue 9), told apart from a turn by its schema's name or its system prompt. */
export const isIntentCall = (req: RecordedRequest): boolean =>
  req.body?.response_format?.json_schema?.name === 'intent' ||
  String(req.body?.messages?.[0]?.content ?? '').startsWith('You read what a player typed') ||
  String(req.body?.messages?.at?.(-1)?.content ?? '').startsWith('## Engine question: do not narrate');

/** A `chat` hook that answers intent calls with "none" (the engine reads offline) and leaves the queue to turns. */
export const intentCallsNone: NonNullable<StartOptions['chat']> = (req, _i, next) =>
  isIntentCall(req) ? { kind: 'ok', reply: { option: 'none', kind: 'say', confidence: 0 } } : next();

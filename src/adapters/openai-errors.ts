/**
 * What can go wrong talking to a model server, and turning it into one line a
 * player can act on. The SDK already retried what is worth retrying (408, 409,
 * 429, 5xx and failed connections, `SDK_RETRIES` times, honouring Retry-After)
 * before any of these errors reaches us.
 */
import OpenAI from 'openai';
import { RuntimeFailure } from '../core/errors.js';
import { redactURLs, shownURL } from '../core/settings.js';
import { isOpenAIHost } from '../core/openai-host.js';

/** Retries the SDK makes itself for 408/409/429/5xx and connection failures. */
export const SDK_RETRIES = 2;

/**
 * Longest Retry-After the SDK is allowed to sit through. A server asking for
 * minutes would look like a frozen game; better to say so and let the player
 * come back (`promptquest continue`).
 */
export const MAX_RETRY_AFTER_S = 30;

/** The connection died after the reply had started: worth asking again from scratch. */
export class StreamBroken extends Error {
  constructor(cause: unknown) {
    super(`the connection dropped mid-reply (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** Nothing arrived from the server for the whole timeout: neither headers nor tokens. */
export class Stalled extends Error {
  /** Stalls so far this turn, for the final message. */
  tries = 1;
  constructor(readonly seconds: number) {
    super(`the server sent nothing for ${seconds} s`);
  }
}

/**
 * The server sent more than the reply limit for one request (`max_reply`): a stream without end,
 * or a body no chat reply could need. Stopped, never retried as if the connection had dropped.
 */
export class ReplyTooLarge extends Error {
  constructor(readonly bytes: number, readonly what: 'text' | 'bytes') {
    super(`the reply passed ${formatBytes(bytes)}${what === 'text' ? ' of text' : ''}`);
  }
}

/** One request ran past its overall deadline (`deadline`) while the server kept sending. Never retried. */
export class DeadlinePassed extends Error {
  constructor(readonly seconds: number) {
    super(`the reply was still coming after ${seconds} s`);
  }
}

/** "1 MB", "512 KB": limits as a player would write them. */
export const formatBytes = (n: number): string =>
  n >= 1_000_000 ? `${+(n / 1_000_000).toFixed(1)} MB` : n >= 1000 ? `${+(n / 1000).toFixed(1)} KB` : `${n} bytes`;

/** A 400 that rejects the response_format we asked for (LM Studio, older llama.cpp). */
export function isFormatRejection(err: unknown): boolean {
  if (!(err instanceof OpenAI.BadRequestError || err instanceof OpenAI.UnprocessableEntityError)) return false;
  const text = `${err.param ?? ''} ${err.message}`.toLowerCase();
  return /response_format|json_schema|json_object|grammar|schema/.test(text);
}

/** The wait a response asks for (Retry-After-Ms, or Retry-After in seconds or as a date), or null. */
export function retryAfterSeconds(headers: Headers | undefined): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms / 1000;
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : (date - Date.now()) / 1000;
}

/**
 * A fetch that tells the SDK not to retry (`x-should-retry: false`, which it
 * obeys) when the server asks for a wait longer than `maxSeconds`; shorter
 * waits are left to the SDK, which honours them.
 */
export function capRetryAfter(fetchImpl: typeof fetch, maxSeconds: number): typeof fetch {
  return async (input, init) => {
    const res = await fetchImpl(input, init);
    const wait = res.ok ? null : retryAfterSeconds(res.headers);
    if (wait === null || wait <= maxSeconds) return res;
    const headers = new Headers(res.headers);
    headers.set('x-should-retry', 'false');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

/** One short line of a server's error text: no status prefix, no newlines, no credentials in URLs it echoes. */
function detailOf(message: string): string {
  return redactURLs(message.replace(/^\d{3}\s+/, '').replace(/\s+/g, ' ').trim()).slice(0, 200);
}

const retried = (status: number | undefined): boolean =>
  status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);

const ATTEMPTS = `${SDK_RETRIES + 1} attempts`;
const COME_BACK = 'the game is saved up to the last turn: promptquest continue';

export interface ErrorContext {
  baseURL: string;
  model: string;
}

export function describeApiError(err: unknown, context: ErrorContext): RuntimeFailure {
  const { model } = context;
  const local = !isOpenAIHost(context.baseURL);
  // Error lines are shown and pasted: never with user:password or a key in the query string.
  const baseURL = shownURL(context.baseURL);
  if (err instanceof Stalled) {
    return new RuntimeFailure(
      `the model server at ${baseURL} sent nothing for ${err.seconds} s (${err.tries === 1 ? '1 try' : `${err.tries} tries`})`,
      'is it overloaded, or the model too big for this machine? raise the limit (promptquest config set timeout 300), then: promptquest continue',
    );
  }
  if (err instanceof StreamBroken) {
    return new RuntimeFailure(`the connection to the model server at ${baseURL} kept dropping mid-reply`, `check the server; ${COME_BACK}`);
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new RuntimeFailure(
      `cannot reach the model server at ${baseURL} (${ATTEMPTS})`,
      local ? 'is it running? check --base-url (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1)' : 'check your network, or use --base-url for a local server',
    );
  }
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new RuntimeFailure(`the server at ${baseURL} refused the API key (HTTP ${err.status})`, 'set OPENAI_API_KEY or: promptquest config set api_key ...');
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new RuntimeFailure(`the server at ${baseURL} has no model "${model}" (HTTP 404)`, 'choose one with --model, or check --base-url (it usually ends in /v1)');
  }
  if (err instanceof OpenAI.RateLimitError) {
    const wait = retryAfterSeconds(err.headers);
    const why = wait !== null && wait > MAX_RETRY_AFTER_S ? `and asks to wait ${Math.ceil(wait)} s` : `even after ${ATTEMPTS}`;
    return new RuntimeFailure(`the server at ${baseURL} is rate-limiting requests (HTTP 429) ${why}`, `wait a while; ${COME_BACK}`);
  }
  if (err instanceof OpenAI.APIError) {
    const detail = detailOf(err.message);
    if (err.status === undefined) return new RuntimeFailure(`the model server at ${baseURL} reported an error mid-reply: ${detail}`, `try again (promptquest continue), or another --model`);
    const tries = retried(err.status) ? ` after ${ATTEMPTS}` : '';
    return new RuntimeFailure(`the model server at ${baseURL} answered HTTP ${err.status}${tries}: ${detail}`, `try again later (promptquest continue), or another --model or --base-url`);
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new RuntimeFailure(`the request to ${baseURL} failed: ${detailOf(msg)}`, 'check --base-url and try again');
}

/**
 * What can go wrong talking to a model server, and turning it into one line a
 * player can act on. The SDK already retried what is worth retrying (408, 409,
 * 429, 5xx and failed connections, `SDK_RETRIES` times, honouring Retry-After)
 * before any of these errors reaches us.
 */
import { en, type Messages } from '../core/messages/en.js';
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

export interface ErrorContext {
  baseURL: string;
  model: string;
  /** The lines' words, in the game's interface language (default English). */
  words?: Messages['failures'];
}

export function describeApiError(err: unknown, context: ErrorContext): RuntimeFailure {
  const { model } = context;
  const w = context.words ?? en.failures;
  const attempts = w.attempts(SDK_RETRIES + 1);
  const local = !isOpenAIHost(context.baseURL);
  // Error lines are shown and pasted: never with user:password or a key in the query string.
  const baseURL = shownURL(context.baseURL);
  if (err instanceof Stalled) return new RuntimeFailure(w.stalled(baseURL, err.seconds, err.tries), w.stalledHint);
  if (err instanceof StreamBroken) return new RuntimeFailure(w.dropping(baseURL), w.checkServer(w.comeBack));
  if (err instanceof OpenAI.APIConnectionError) return new RuntimeFailure(w.unreachable(baseURL, attempts), local ? w.checkLocal : w.unreachableRemote);
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new RuntimeFailure(w.keyRefused(baseURL, err.status), w.keyHint);
  }
  if (err instanceof OpenAI.NotFoundError) return new RuntimeFailure(w.noModel(baseURL, model), w.noModelHint);
  if (err instanceof OpenAI.RateLimitError) {
    const wait = retryAfterSeconds(err.headers);
    return new RuntimeFailure(w.rateLimited(baseURL, wait !== null && wait > MAX_RETRY_AFTER_S ? Math.ceil(wait) : null, attempts), w.waitHint(w.comeBack));
  }
  if (err instanceof OpenAI.APIError) {
    const detail = detailOf(err.message);
    if (err.status === undefined) return new RuntimeFailure(w.midReply(baseURL, detail), w.midReplyHint);
    return new RuntimeFailure(w.http(baseURL, err.status, retried(err.status) ? attempts : null, detail), w.httpHint);
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new RuntimeFailure(w.failed(baseURL, detailOf(msg)), w.failedHint);
}

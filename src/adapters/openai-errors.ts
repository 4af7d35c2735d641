/** Turning the SDK's typed errors into one line a player can act on. */
import OpenAI from 'openai';
import { RuntimeFailure } from '../core/errors.js';

/** A 400 that rejects the response_format we asked for (LM Studio, older llama.cpp). */
export function isFormatRejection(err: unknown): boolean {
  if (!(err instanceof OpenAI.BadRequestError || err instanceof OpenAI.UnprocessableEntityError)) return false;
  const text = `${err.param ?? ''} ${err.message}`.toLowerCase();
  return /response_format|json_schema|json_object|grammar|schema/.test(text);
}

/** The connection died after the reply had started: worth asking again from scratch. */
export function isStreamBroken(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError) return false;
  if (err instanceof OpenAI.APIConnectionError) return true;
  if (err instanceof OpenAI.APIError) return false;
  const msg = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : '';
  return /terminated|socket|ECONNRESET|premature|aborted|other side closed|incomplete/i.test(msg);
}

export function describeApiError(err: unknown, baseURL: string, model: string): RuntimeFailure {
  const local = !baseURL.includes('api.openai.com');
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new RuntimeFailure(`the model server at ${baseURL} did not answer in time`, 'is it overloaded? raise the timeout with: promptquest config set timeout 300');
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new RuntimeFailure(
      `cannot reach the model server at ${baseURL}`,
      local ? 'is it running? check --base-url (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1)' : 'check your network, or use --base-url for a local server',
    );
  }
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new RuntimeFailure(`the server at ${baseURL} refused the API key (HTTP ${err.status})`, 'set OPENAI_API_KEY or: promptquest config set api_key ...');
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new RuntimeFailure(`the server at ${baseURL} has no model "${model}" (HTTP 404)`, 'choose one with --model');
  }
  if (err instanceof OpenAI.RateLimitError) {
    return new RuntimeFailure(`the server at ${baseURL} is rate-limiting requests (HTTP 429) even after retries`, 'wait a moment, then: promptquest continue');
  }
  if (err instanceof OpenAI.APIError) {
    const detail = err.message.split('\n')[0]?.slice(0, 200) ?? '';
    return new RuntimeFailure(`the model server at ${baseURL} answered HTTP ${err.status ?? '?'}: ${detail}`, 'try again later, or another model or --base-url');
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new RuntimeFailure(`the request to ${baseURL} failed: ${msg.slice(0, 200)}`, 'check --base-url and try again');
}

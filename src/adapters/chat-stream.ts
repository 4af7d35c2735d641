/**
 * One streamed chat-completions request: the text, refusal, finish reason and usage as they
 * arrive, live narration for the ui, and a watchdog that ends a request gone silent.
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { Usage } from '../core/journal.js';
import { NarrationReader } from '../core/partial.js';
import { LIMITS } from '../core/reply.js';
import { ReplyTooLarge, StreamBroken } from './openai-errors.js';
import { Watchdog } from './request-watch.js';

export interface Streamed {
  content: string;
  refusal: string;
  finish: string | null;
  usage: Usage | null;
}

/** Kept only when the three counts are finite numbers; cached tokens where the server says. */
export function usageOf(u: NonNullable<ChatCompletionChunk['usage']> | undefined): Usage | null {
  if (!u) return null;
  const cached = u.prompt_tokens_details?.cached_tokens;
  return Usage.safeParse({
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens,
    ...(typeof cached === 'number' ? { cached_tokens: cached } : {}),
  }).data ?? null;
}

/** How long one request may stay silent and last in all, and how much reply text it may bring. */
export interface StreamLimits {
  silenceMs: number;
  deadlineMs: number;
  maxTextChars: number;
}

/** Throws the SDK's errors, StreamBroken, Stalled, DeadlinePassed, ReplyTooLarge, or an abort. */
export async function streamChat(
  client: OpenAI,
  body: ChatCompletionCreateParamsStreaming,
  limits: StreamLimits,
  signal: AbortSignal | undefined,
  onText?: (delta: string) => void,
): Promise<Streamed> {
  const watchdog = new Watchdog(limits.silenceMs, signal, limits.deadlineMs);
  const got: Streamed = { content: '', refusal: '', finish: null, usage: null };
  try {
    const stream = await watchdog.race(client.chat.completions.create(body, { signal: watchdog.signal }));
    await read(stream, got, watchdog, limits.maxTextChars, onText);
  } catch (err) {
    throw watchdog.cause() ?? err;
  } finally {
    watchdog.stop();
  }
  // The SDK ends the stream quietly, as if complete, when its signal aborts.
  const stopped = watchdog.cause();
  if (stopped) throw stopped;
  return got;
}

async function read(stream: AsyncIterable<ChatCompletionChunk>, got: Streamed, watchdog: Watchdog, maxText: number, onText?: (delta: string) => void): Promise<void> {
  const narration = onText ? new NarrationReader(LIMITS.narration) : null;
  try {
    for await (const chunk of stream) {
      watchdog.kick();
      const choice = chunk.choices[0];
      // Servers send `usage: {}` or partial counts: kept only when all three are finite numbers.
      if (chunk.usage) got.usage = usageOf(chunk.usage) ?? got.usage;
      if (!choice) continue;
      const piece = choice.delta.content ?? '';
      got.content += piece;
      got.refusal += choice.delta.refusal ?? '';
      got.finish = choice.finish_reason ?? got.finish;
      // Checked as it grows; the live narration reads each piece once and stops at the narration's limit.
      if (got.content.length + got.refusal.length > maxText) throw new ReplyTooLarge(maxText, 'text');
      const told = narration?.push(piece);
      if (told) onText?.(told);
    }
  } catch (err) {
    // An error event the server sent is its answer, a reply too large is the server's fault;
    // anything else means the connection broke.
    throw err instanceof OpenAI.APIError || err instanceof ReplyTooLarge ? err : new StreamBroken(err);
  }
}

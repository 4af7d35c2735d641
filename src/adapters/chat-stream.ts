/**
 * One streamed chat-completions request: the text, refusal, finish reason and usage as they
 * arrive, live narration for the ui, and a watchdog that ends a request gone silent.
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { Usage } from '../core/journal.js';
import { partialNarration } from '../core/partial.js';
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

/**
 * The live narration is re-read from the whole reply at every chunk; past this length (twice the
 * longest reply PromptQuest asks for) a reply is not a narration, and re-reading it would make a
 * fast endless stream cost CPU by the square of its length until the reply limit stops it.
 */
const LIVE_TEXT_CHARS = 64_000;

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
  let shown = 0;
  try {
    for await (const chunk of stream) {
      watchdog.kick();
      const choice = chunk.choices[0];
      // Servers send `usage: {}` or partial counts: kept only when all three are finite numbers.
      if (chunk.usage) got.usage = usageOf(chunk.usage) ?? got.usage;
      if (!choice) continue;
      got.content += choice.delta.content ?? '';
      got.refusal += choice.delta.refusal ?? '';
      got.finish = choice.finish_reason ?? got.finish;
      // Checked as it grows: the text is kept whole (and re-read for the live narration) until the end.
      if (got.content.length + got.refusal.length > maxText) throw new ReplyTooLarge(maxText, 'text');
      if (onText && got.content.length <= LIVE_TEXT_CHARS) {
        const text = partialNarration(got.content);
        if (text.length > shown) onText(text.slice(shown));
        shown = Math.max(shown, text.length);
      }
    }
  } catch (err) {
    // An error event the server sent is its answer, a reply too large is the server's fault;
    // anything else means the connection broke.
    throw err instanceof OpenAI.APIError || err instanceof ReplyTooLarge ? err : new StreamBroken(err);
  }
}

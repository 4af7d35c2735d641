/**
 * The model narrator: any OpenAI-compatible chat-completions server through the
 * official SDK. Every reply is validated with zod even when the server claims to
 * enforce the schema; bad replies are repaired or re-asked, all within a bounded
 * number of calls per turn. Network trouble is retried by the SDK (status codes,
 * Retry-After) and here (a stream that dies or stalls halfway is asked again from
 * scratch); whatever still fails becomes one RuntimeFailure line.
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { buildMessages, type ChatMessage } from '../core/prompt.js';
import { extractReply } from '../core/extract.js';
import { partialNarration } from '../core/partial.js';
import { sanitizeText } from '../core/sanitize.js';
import { RuntimeFailure } from '../core/errors.js';
import { Usage } from '../core/journal.js';
import type { NarrateOptions, Narration, NarrationRequest, Narrator } from '../engine/ports.js';
import type { CapabilityCache } from './config.js';
import { LiveText, Watchdog } from './request-watch.js';
import { chatRequest, LADDER, type Capability } from '../core/request.js';
import {
  capRetryAfter, describeApiError, isFormatRejection, MAX_RETRY_AFTER_S, SDK_RETRIES, Stalled, StreamBroken,
} from './openai-errors.js';

export interface OpenAINarratorOptions {
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  /** Silence (no headers, no tokens) after which a request counts as stalled. */
  timeoutMs: number;
  /** Passed to servers that support repeatable sampling. */
  seed?: number | null;
  cache: CapabilityCache;
  /** Verbose mode: each call, raw reply and repair step. Lines are already terminal-safe. */
  log?: (line: string) => void;
  /** Model calls allowed per turn, repairs and retries included. */
  maxCalls?: number;
  fetch?: typeof fetch;
}

const MAX_TOKENS_CEILING = 8192;
/** A stalled request is asked again once; the second stall ends the turn. */
const MAX_STALLS = 1;
/** The "last problem" in the failure line: enough to act on, short enough for one line. */
const PROBLEM_CHARS = 160;
const OPENAI_URL = 'https://api.openai.com/v1';

/** What one turn's calls have learnt so far: the next call is shaped by it. */
interface Attempts {
  cap: Capability;
  maxTokens: number;
  /** The invalid reply and the request to correct it, sent after the messages. */
  repair: ChatMessage[];
  refusals: number;
  stalls: number;
  /** For the failure line, when every call is spent. */
  lastProblem: string;
}

interface Streamed {
  content: string;
  refusal: string;
  finish: string | null;
  usage: Usage | null;
}

/** Raw model text for the log: escapes visible (JSON), nothing a terminal would act on. */
const visible = (text: string): string => sanitizeText(JSON.stringify(text));

const shorten = (text: string): string => (text.length > PROBLEM_CHARS ? `${text.slice(0, PROBLEM_CHARS - 1)}…` : text);

export class OpenAINarrator implements Narrator {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly cacheKey: string;
  private readonly baseURL: string;

  constructor(private readonly o: OpenAINarratorOptions) {
    this.model = o.model;
    this.baseURL = o.baseURL ?? OPENAI_URL;
    const fetchImpl: typeof fetch = (input, init) => (o.fetch ?? fetch)(input, init);
    // The SDK appends paths to the base URL as text: a query (Azure's ?api-version=) must go in defaultQuery.
    const url = o.baseURL ? new URL(o.baseURL) : null;
    const defaultQuery = url?.search ? Object.fromEntries(url.searchParams) : undefined;
    if (url) url.search = '';
    this.client = new OpenAI({
      // The SDK refuses to start without a key; local servers ignore it.
      apiKey: o.apiKey ?? 'sk-no-key-needed-for-local-servers',
      baseURL: url?.toString() ?? undefined,
      ...(defaultQuery ? { defaultQuery } : {}),
      // The watchdog ends a silent request first; this is only a backstop.
      timeout: o.timeoutMs + 5_000,
      maxRetries: SDK_RETRIES,
      // We report errors ourselves, in one line; the SDK would print raw server text.
      logLevel: 'off',
      fetch: capRetryAfter(fetchImpl, MAX_RETRY_AFTER_S),
    });
    this.cacheKey = `${this.baseURL}|${o.model}`;
  }

  private log(line: string): void {
    this.o.log?.(sanitizeText(line));
  }

  private body(messages: ChatMessage[], capability: Capability, maxTokens: number, boundsTokens: number, request: NarrationRequest): ChatCompletionCreateParamsStreaming {
    return chatRequest({
      model: this.model,
      baseURL: this.o.baseURL,
      messages,
      capability,
      maxTokens,
      boundsTokens,
      temperature: request.pack.manifest.model.temperature,
      seed: this.o.seed,
    });
  }

  async narrate(request: NarrationRequest, options: NarrateOptions = {}): Promise<Narration> {
    const live = new LiveText(options);
    try {
      return await this.attempts(request, options, live);
    } catch (err) {
      live.void(); // a failed or cancelled turn leaves no half-told narration behind
      throw err;
    }
  }

  private async attempts(request: NarrationRequest, options: NarrateOptions, live: LiveText): Promise<Narration> {
    const { messages, lore } = buildMessages(request);
    // Authors see what the budget cut (--verbose here; `pack preview` before playing).
    if (lore.dropped.length) this.log(`lore over lore_budget, dropped: ${lore.dropped.map((e) => e.id).join(', ')}`);
    const maxCalls = this.o.maxCalls ?? 4;
    const firstMaxTokens = request.pack.manifest.model.max_tokens ?? 1024;
    const turn: Attempts = {
      cap: this.o.cache.get(this.cacheKey) ?? 'json_schema',
      maxTokens: firstMaxTokens,
      repair: [],
      refusals: 0,
      stalls: 0,
      lastProblem: '',
    };
    for (let calls = 1; calls <= maxCalls; calls++) {
      options.signal?.throwIfAborted();
      live.void();
      const last = calls === maxCalls;
      this.log(`call ${calls}/${maxCalls}: response_format ${turn.cap}, max_tokens ${turn.maxTokens}`);
      let got: Streamed;
      try {
        got = await this.call(this.body([...messages, ...turn.repair], turn.cap, turn.maxTokens, firstMaxTokens, request), options.signal, live.onText);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        this.afterFailedCall(err, turn, last);
        continue;
      }
      const done = this.afterReply(got, turn, last, calls);
      if (done) {
        if (done.kind === 'refusal') live.void();
        return done;
      }
    }
    throw new RuntimeFailure(
      `the model "${this.model}" did not answer in the expected format after ${maxCalls} tries (last problem: ${shorten(turn.lastProblem)})`,
      'try another --model or --base-url, then `promptquest continue` and make your move again (the game is saved up to the last turn)',
    );
  }

  /** A call that failed: step down the format ladder, or ask again after a drop or a stall, or give up. */
  private afterFailedCall(err: unknown, turn: Attempts, last: boolean): void {
    const next = LADDER[LADDER.indexOf(turn.cap) + 1];
    if (next && isFormatRejection(err)) {
      this.log(`server rejected response_format ${turn.cap}; stepping down to ${next}`);
      turn.cap = next;
      this.o.cache.set(this.cacheKey, next);
      return;
    }
    if (err instanceof Stalled) err.tries = ++turn.stalls;
    const again = err instanceof StreamBroken || (err instanceof Stalled && turn.stalls <= MAX_STALLS);
    if (!again || last) throw describeApiError(err, { baseURL: this.baseURL, model: this.model });
    turn.lastProblem = (err as Error).message;
    this.log(`${turn.lastProblem}; asking again from scratch`);
  }

  /** A reply that arrived: the narration, a refusal to show, or null to ask again (adjusted). */
  private afterReply(got: Streamed, turn: Attempts, last: boolean, calls: number): Narration | null {
    if (got.refusal) {
      this.log(`refusal: ${visible(got.refusal)}`);
      if (++turn.refusals > 1 || last) return { kind: 'refusal', text: got.refusal, calls };
      turn.lastProblem = 'the model refused';
      return null;
    }
    this.log(`raw reply (${got.finish ?? 'no finish reason'}): ${visible(got.content)}`);
    if (got.finish === 'length' && !last) {
      turn.maxTokens = Math.min(turn.maxTokens * 2, MAX_TOKENS_CEILING);
      turn.lastProblem = 'the reply was cut off at the token limit';
      this.log(`${turn.lastProblem}; retrying with max_tokens ${turn.maxTokens}`);
      return null;
    }
    const result = extractReply(got.content);
    if (result.repairs.length) this.log(`repairs: ${result.repairs.join('; ')}`);
    if (result.ok) return { kind: 'reply', reply: result.value, raw: got.content, usage: got.usage, calls };
    turn.lastProblem = result.error;
    this.log(`invalid reply: ${result.error}; asking the model to repair it`);
    turn.repair = [
      { role: 'assistant', content: got.content.slice(0, 4000) },
      { role: 'user', content: `That reply was not valid: ${result.error}. Reply again with only the corrected JSON object.` },
    ];
    return null;
  }

  /** One streamed request. Throws the SDK's errors, StreamBroken, Stalled, or an abort. */
  private async call(body: ChatCompletionCreateParamsStreaming, signal: AbortSignal | undefined, onText?: (delta: string) => void): Promise<Streamed> {
    const watchdog = new Watchdog(this.o.timeoutMs, signal);
    const got: Streamed = { content: '', refusal: '', finish: null, usage: null };
    try {
      const stream = await watchdog.race(this.client.chat.completions.create(body, { signal: watchdog.signal }));
      await this.read(stream, got, watchdog, onText);
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

  private async read(stream: AsyncIterable<ChatCompletionChunk>, got: Streamed, watchdog: Watchdog, onText?: (delta: string) => void): Promise<void> {
    let shown = 0;
    try {
      for await (const chunk of stream) {
        watchdog.kick();
        const choice = chunk.choices[0];
        // Servers send `usage: {}` or partial counts: kept only when all three are finite numbers.
        if (chunk.usage) got.usage = Usage.safeParse({ prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens, total_tokens: chunk.usage.total_tokens }).data ?? got.usage;
        if (!choice) continue;
        got.content += choice.delta.content ?? '';
        got.refusal += choice.delta.refusal ?? '';
        got.finish = choice.finish_reason ?? got.finish;
        if (onText) {
          const text = partialNarration(got.content);
          if (text.length > shown) onText(text.slice(shown));
          shown = Math.max(shown, text.length);
        }
      }
    } catch (err) {
      // An error event the server sent is its answer; anything else means the connection broke.
      throw err instanceof OpenAI.APIError ? err : new StreamBroken(err);
    }
  }
}

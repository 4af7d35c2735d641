/**
 * The model narrator: any OpenAI-compatible chat-completions server through the
 * official SDK. Every reply is validated with zod even when the server claims to
 * enforce the schema; bad replies are repaired or re-asked, all within a bounded
 * number of calls per turn.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { buildMessages, type ChatMessage } from '../core/prompt.js';
import { replyJsonSchema, type SchemaFlavour } from '../core/json-schema.js';
import { extractReply } from '../core/extract.js';
import { partialNarration } from '../core/partial.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Usage } from '../core/journal.js';
import type { NarrateOptions, Narration, NarrationRequest, Narrator } from '../engine/ports.js';
import type { Capability, CapabilityCache } from './config.js';
import { describeApiError, isFormatRejection, isStreamBroken } from './openai-errors.js';

export interface OpenAINarratorOptions {
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  timeoutMs: number;
  /** Passed to servers that support repeatable sampling. */
  seed?: number | null;
  cache: CapabilityCache;
  /** Verbose mode: each raw reply and each repair step. */
  log?: (line: string) => void;
  /** Model calls allowed per turn, repairs and retries included. */
  maxCalls?: number;
  fetch?: typeof fetch;
}

const LADDER: Capability[] = ['json_schema', 'json_object', 'prompt'];
const MAX_TOKENS_CEILING = 8192;

interface Streamed {
  content: string;
  refusal: string;
  finish: string | null;
  usage: Usage | null;
}

export class OpenAINarrator implements Narrator {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly flavour: SchemaFlavour;
  private readonly cacheKey: string;

  constructor(private readonly o: OpenAINarratorOptions) {
    this.model = o.model;
    // The SDK refuses to start without a key; local servers ignore it.
    this.client = new OpenAI({
      apiKey: o.apiKey ?? 'sk-no-key-needed-for-local-servers',
      baseURL: o.baseURL ?? undefined,
      timeout: o.timeoutMs,
      maxRetries: 2,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    const official = !o.baseURL || new URL(o.baseURL).hostname.endsWith('api.openai.com');
    this.flavour = official ? 'strict' : 'bounded';
    this.cacheKey = `${o.baseURL ?? 'https://api.openai.com/v1'}|${o.model}`;
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  private responseFormat(cap: Capability): Pick<ChatCompletionCreateParamsStreaming, 'response_format'> {
    if (cap === 'json_schema') {
      return { response_format: { type: 'json_schema', json_schema: { name: 'turn', strict: true, schema: replyJsonSchema(this.flavour) } } };
    }
    return cap === 'json_object' ? { response_format: { type: 'json_object' } } : {};
  }

  /** Without json_schema the model only learns the shape from the prompt. */
  private withSchemaHint(messages: ChatMessage[], cap: Capability): ChatMessage[] {
    if (cap === 'json_schema') return messages;
    const hint = `\n\nThe JSON object must match this JSON Schema:\n${JSON.stringify(replyJsonSchema('bounded'))}`;
    return messages.map((m, i) => (i === 0 ? { ...m, content: m.content + hint } : m));
  }

  async narrate(request: NarrationRequest, options: NarrateOptions = {}): Promise<Narration> {
    const { messages } = buildMessages(request);
    const maxCalls = this.o.maxCalls ?? 4;
    let cap = this.o.cache.get(this.cacheKey) ?? 'json_schema';
    let maxTokens = request.pack.manifest.model.max_tokens ?? 1024;
    let repair: ChatMessage[] = [];
    let refusals = 0;
    let lastProblem = '';
    for (let calls = 1; calls <= maxCalls; calls++) {
      let got: Streamed;
      try {
        got = await this.call([...this.withSchemaHint(messages, cap), ...repair], cap, maxTokens, request, options);
      } catch (err) {
        const next = LADDER[LADDER.indexOf(cap) + 1];
        if (next && isFormatRejection(err)) {
          this.log(`server rejected response_format ${cap}; stepping down to ${next}`);
          cap = next;
          this.o.cache.set(this.cacheKey, cap);
          continue;
        }
        if (!options.signal?.aborted && calls < maxCalls && isStreamBroken(err)) {
          lastProblem = 'the connection dropped mid-reply';
          this.log(`${lastProblem}; asking again from scratch`);
          options.onRestart?.();
          continue;
        }
        throw this.failure(err, options.signal);
      }
      if (got.refusal) {
        this.log(`refusal: ${got.refusal}`);
        if (++refusals >= 2) return { kind: 'refusal', text: got.refusal, calls };
        lastProblem = 'the model refused';
        continue;
      }
      this.log(`raw reply (${got.finish ?? 'no finish reason'}): ${got.content}`);
      if (got.finish === 'length') {
        maxTokens = Math.min(maxTokens * 2, MAX_TOKENS_CEILING);
        lastProblem = 'the reply was cut off at the token limit';
        this.log(`${lastProblem}; retrying with max_tokens ${maxTokens}`);
        continue;
      }
      const result = extractReply(got.content);
      if (result.repairs.length) this.log(`repairs: ${result.repairs.join('; ')}`);
      if (result.ok) return { kind: 'reply', reply: result.value, raw: got.content, usage: got.usage, calls };
      lastProblem = result.error;
      this.log(`invalid reply: ${result.error}; asking the model to repair it`);
      repair = [
        { role: 'assistant', content: got.content.slice(0, 4000) },
        { role: 'user', content: `That reply was not valid: ${result.error}. Reply again with only the corrected JSON object.` },
      ];
    }
    throw new RuntimeFailure(
      `the model ${this.model} did not answer in the expected format after ${maxCalls} tries (last problem: ${lastProblem})`,
      'try another model, check --base-url, or type /retry after `promptquest continue`',
    );
  }

  private async call(messages: ChatMessage[], cap: Capability, maxTokens: number, request: NarrationRequest, options: NarrateOptions): Promise<Streamed> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.model,
        messages,
        max_tokens: maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        ...(this.o.seed != null ? { seed: this.o.seed } : {}),
        ...(request.pack.manifest.model.temperature !== undefined ? { temperature: request.pack.manifest.model.temperature } : {}),
        ...this.responseFormat(cap),
      },
      { signal: options.signal ?? null },
    );
    const got: Streamed = { content: '', refusal: '', finish: null, usage: null };
    let shown = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (chunk.usage) got.usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens, total_tokens: chunk.usage.total_tokens };
      if (!choice) continue;
      got.content += choice.delta.content ?? '';
      got.refusal += choice.delta.refusal ?? '';
      got.finish = choice.finish_reason ?? got.finish;
      if (options.onText) {
        const text = partialNarration(got.content);
        if (text.length > shown) options.onText(text.slice(shown));
        shown = Math.max(shown, text.length);
      }
    }
    return got;
  }

  private failure(err: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return err instanceof Error ? err : new Error(String(err));
    return describeApiError(err, this.o.baseURL ?? 'https://api.openai.com/v1', this.model);
  }
}

/**
 * Folding older turns into the rolling summary with one small structured model call, under
 * its own token budget. Whatever goes wrong (no room, an error, a reply that is not a
 * summary) falls back to the engine's deterministic digest: a fold never fails a turn.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { extractJson } from '../core/extract.js';
import { digestSummary, modelSummary, SummaryReply, type FoldInput, type StorySummary } from '../core/summary.js';
import { summaryMessages, SUMMARY_REPLY_TOKENS } from '../core/summary-request.js';
import type { Usage } from '../core/journal.js';
import { usageOf } from './chat-stream.js';
import { schemaFlavour } from '../core/json-schema.js';
import type { Capability } from '../core/request.js';

export interface Folded {
  summary: StorySummary;
  source: 'model' | 'digest';
  usage: Usage | null;
}

export interface SummaryCall {
  client: OpenAI;
  model: string;
  baseURL: string | null;
  capability: Capability;
  /** Tokens the summary request may take. */
  promptBudget: number;
  count: (text: string) => number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  log: (line: string) => void;
}

let schemaCache: { strict: Record<string, unknown>; bounded: Record<string, unknown> } | null = null;

/** The JSON Schema of a summary reply, built once (strict mode wants no length keywords). */
function summarySchema(baseURL: string | null): Record<string, unknown> {
  schemaCache ??= (() => {
    const bounded = z.toJSONSchema(SummaryReply, { target: 'draft-7' }) as Record<string, unknown>;
    delete bounded.$schema;
    const strict = JSON.parse(JSON.stringify(bounded, (k, v: unknown) => (['maxLength', 'minLength', 'maxItems'].includes(k) ? undefined : v))) as Record<string, unknown>;
    return { strict: { ...strict, additionalProperties: false }, bounded: { ...bounded, additionalProperties: false } };
  })();
  return schemaCache[schemaFlavour(baseURL)];
}

export async function foldWithModel(f: FoldInput, c: SummaryCall): Promise<Folded> {
  const digest = (why: string): Folded => {
    c.log(`summary of turns ${f.turns[0]?.n ?? '?'}–${f.turns.at(-1)?.n ?? '?'} written by the engine (${why})`);
    return { summary: digestSummary(f), source: 'digest', usage: null };
  };
  const messages = summaryMessages(f, c.promptBudget, c.count);
  if (!messages) return digest('the turns do not fit the summary budget');
  const format = c.capability === 'json_schema'
    ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'story_summary', strict: true, schema: summarySchema(c.baseURL) } } }
    : c.capability === 'json_object' ? { response_format: { type: 'json_object' as const } } : {};
  const tokens = schemaFlavour(c.baseURL) === 'strict' ? { max_completion_tokens: SUMMARY_REPLY_TOKENS } : { max_tokens: SUMMARY_REPLY_TOKENS };
  try {
    const signal = c.signal ? AbortSignal.any([c.signal, AbortSignal.timeout(c.timeoutMs)]) : AbortSignal.timeout(c.timeoutMs);
    const res = await c.client.chat.completions.create({ model: c.model, messages, stream: false, ...tokens, ...format }, { signal, maxRetries: 0 });
    const content = res.choices[0]?.message.content ?? '';
    const parsed = extractJson(content);
    const reply = 'value' in parsed ? SummaryReply.safeParse(parsed.value) : null;
    if (!reply?.success) return digest('the model\'s summary was not valid');
    const usage = usageOf(res.usage);
    c.log(`summary of turns ${f.turns[0]?.n ?? '?'}–${f.turns.at(-1)?.n ?? '?'} written by the model`);
    return { summary: modelSummary(reply.data, f), source: 'model', usage };
  } catch (err) {
    c.signal?.throwIfAborted();
    return digest(`the summary call failed: ${(err as Error).message.slice(0, 120)}`);
  }
}

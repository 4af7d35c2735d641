/**
 * The chat-completions request body for one model call, built in one place so the
 * game and `pack preview` send and show the very same thing. Pure.
 */
import type { ChatMessage } from './prompt.js';
import { MEMO_LIMIT, replyJsonSchema, replySchemaFor } from './json-schema.js';
import { fitSchema } from './schema-fit.js';
import { BoundedCache } from './memo.js';
import { isOpenAIHost } from './openai-host.js';

/** How a server is asked for JSON, best first; the narrator steps down on rejection. */
export type Capability = 'json_schema' | 'json_object' | 'prompt';
export const LADDER: readonly Capability[] = ['json_schema', 'json_object', 'prompt'];

export interface RequestInput {
  model: string;
  baseURL: string | null;
  messages: ChatMessage[];
  capability: Capability;
  maxTokens: number;
  /** The turn's first max_tokens: a retry gets more tokens but the same schema bounds, so it fits. */
  boundsTokens?: number;
  temperature?: number | undefined;
  seed?: number | null | undefined;
  /** The engine's verdict: the schema's first field, a one-value enum, so the model writes it before narrating. */
  verdict?: string | undefined;
  /** Fields added at the end of the schema (a free-play pack's `pose_riddle`). */
  extraFields?: Record<string, unknown> | null | undefined;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stream: true;
  stream_options: { include_usage: true };
  seed?: number;
  temperature?: number;
  response_format?:
    | { type: 'json_schema'; json_schema: { name: string; strict: true; schema: Record<string, unknown> } }
    | { type: 'json_object' };
}

// Bounded, as the schemas are: a tight window gives each turn its own budget.
const hints = new BoundedCache<number, string>(MEMO_LIMIT);

/**
 * Without json_schema the model only learns the shape (and the lengths) from the prompt: this
 * text is appended to the system message. Built once per bound: it is the same every turn.
 */
export function schemaHint(boundsTokens: number): string {
  return hints.getOr(boundsTokens, () => `\n\nThe JSON object must match this JSON Schema:\n${JSON.stringify(fitSchema(replyJsonSchema('bounded'), boundsTokens))}`);
}

function withSchemaHint(messages: ChatMessage[], boundsTokens: number): ChatMessage[] {
  const hint = schemaHint(boundsTokens);
  return messages.map((m, i) => (i === 0 ? { ...m, content: m.content + hint } : m));
}

/**
 * The schema with a leading constant field. A one-value `enum` rather than `const`: OpenAI's
 * strict mode and llama.cpp's grammar both take enum; the extraction drops the field.
 */
export function withOutcome(schema: Record<string, unknown>, outcome: string): Record<string, unknown> {
  const properties = { outcome: { type: 'string', enum: [outcome] }, ...(schema.properties as Record<string, unknown>) };
  return { ...schema, properties, required: Object.keys(properties) };
}

function withFields(schema: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...(schema.properties as Record<string, unknown>), ...fields };
  return { ...schema, properties, required: Object.keys(properties) };
}

function turnSchema(r: RequestInput, bounds: number): Record<string, unknown> {
  let schema = replySchemaFor(r.baseURL, bounds);
  if (r.verdict) schema = withOutcome(schema, r.verdict);
  if (r.extraFields) schema = withFields(schema, r.extraFields);
  return schema;
}

export function chatRequest(r: RequestInput): ChatRequest {
  const bounds = r.boundsTokens ?? r.maxTokens;
  const strictHost = !r.baseURL || isOpenAIHost(r.baseURL);
  return {
    model: r.model,
    messages: r.capability === 'json_schema' ? r.messages : withSchemaHint(r.messages, bounds),
    // OpenAI's own hosts want max_completion_tokens (its reasoning models refuse max_tokens);
    // other servers know only max_tokens.
    ...(strictHost ? { max_completion_tokens: r.maxTokens } : { max_tokens: r.maxTokens }),
    stream: true,
    stream_options: { include_usage: true },
    ...(r.seed != null ? { seed: r.seed } : {}),
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    ...(r.capability === 'json_schema'
      ? { response_format: { type: 'json_schema', json_schema: { name: 'turn', strict: true, schema: turnSchema(r, bounds) } } }
      : r.capability === 'json_object'
        ? { response_format: { type: 'json_object' } }
        : {}),
  };
}

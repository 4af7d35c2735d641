/**
 * The reply schema as JSON Schema, in two flavours. Servers that compile the schema
 * into a grammar (llama.cpp, Ollama, vLLM) get length bounds, so a rambling small
 * model is forced to close its JSON; OpenAI's strict mode rejects those keywords, so
 * it gets the strict subset and zod checks the bounds afterwards.
 */
import { z } from 'zod';
import { Reply } from './reply.js';
import { fitSchema } from './schema-fit.js';
import { isOpenAIHost } from './openai-host.js';
import { BoundedCache } from './memo.js';

export type SchemaFlavour = 'strict' | 'bounded';

const BOUND_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'format'];

type Json = Record<string, unknown>;

/** Strict mode needs every property required and no extra ones, at every depth. */
function tighten(node: unknown, flavour: SchemaFlavour): unknown {
  if (Array.isArray(node)) return node.map((n) => tighten(n, flavour));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$schema') continue;
    if (flavour === 'strict' && BOUND_KEYWORDS.includes(k)) continue;
    out[k] = tighten(v, flavour);
  }
  if (out.type === 'object' && out.properties && typeof out.properties === 'object') {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

export const MEMO_LIMIT = 32;
// A tight window gives each turn its own reply budget: the cache must not grow with the game.
const built = new BoundedCache<string, Json>(MEMO_LIMIT);
/** How many schemas are cached now (for the test that the cache stays bounded). */
export const cachedSchemas = (): number => built.size;

/** Built once per flavour (and per bound): converting the zod schema is not free, and it never changes. */
const memo = (key: string, make: () => Json): Json => built.getOr(key, make);

export function replyJsonSchema(flavour: SchemaFlavour): Json {
  return memo(flavour, () => tighten(z.toJSONSchema(Reply, { target: 'draft-7' }), flavour) as Json);
}

/** OpenAI's own hosts take the strict subset; everything else compiles the schema into a grammar. */
export function schemaFlavour(baseURL: string | null): SchemaFlavour {
  if (!baseURL) return 'strict';
  return isOpenAIHost(baseURL) ? 'strict' : 'bounded';
}

/**
 * The reply schema sent as response_format to a server (the game and `pack preview` alike):
 * OpenAI gets the strict subset; grammar-compiling servers get length bounds fitted to max_tokens.
 */
export function replySchemaFor(baseURL: string | null, maxTokens: number): Record<string, unknown> {
  return schemaFlavour(baseURL) === 'strict' ? replyJsonSchema('strict') : memo(`bounded:${maxTokens}`, () => fitSchema(replyJsonSchema('bounded'), maxTokens));
}

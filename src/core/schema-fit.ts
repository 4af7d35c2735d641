/**
 * Length bounds a reply can reach within max_tokens. A server that compiles the schema
 * into a grammar (llama.cpp, Ollama, vLLM) forces the JSON closed only if the longest
 * reply the schema allows fits in the tokens the model may write; otherwise a rambling
 * small model writes until max_tokens inside the narration and the JSON never closes
 * (seen with a real llama.cpp model: every reply cut off with the reply contract's own
 * limits and max_tokens 900, every reply valid in ~0.5 s with fitted ones).
 *
 * Fitting only lowers maxLength and maxItems, never below a minimum, so whatever the
 * fitted schema allows still passes zod (src/core/reply.ts). Pure.
 */
type Json = Record<string, unknown>;

/** A cautious guess at characters per token: ~4 for English with a large vocabulary, ~1.5 for tiny ones. */
export const CHARS_PER_TOKEN = 2.5;
/** Longer lists (the state changes allow 8) are capped to this many items in the grammar. */
const LIST_CAP = 3;
/** Strings are never fitted below this (or their own bound, if smaller). */
const MIN_STRING = 24;
/** A number as a grammar allows it: sign, 16 digits, fraction, exponent. */
const NUMBER_CHARS = 40;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Characters of the longest JSON text `node` allows (Infinity when unbounded), whitespace aside. */
export function longestJson(node: unknown): number {
  if (!isJson(node)) return Infinity;
  if (Array.isArray(node.anyOf)) return Math.max(...node.anyOf.map(longestJson));
  if (Array.isArray(node.enum)) return Math.max(...node.enum.map((v) => JSON.stringify(v).length));
  switch (node.type) {
    case 'string':
      return typeof node.maxLength === 'number' ? node.maxLength + 2 : Infinity;
    case 'number':
    case 'integer':
      return NUMBER_CHARS;
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'array': {
      if (typeof node.maxItems !== 'number') return Infinity;
      return node.maxItems === 0 ? 2 : 2 + node.maxItems * (longestJson(node.items) + 1);
    }
    case 'object': {
      const props = isJson(node.properties) ? Object.entries(node.properties) : [];
      return 2 + props.reduce((sum, [key, value]) => sum + JSON.stringify(key).length + 2 + longestJson(value), 0);
    }
    default:
      return Infinity;
  }
}

/** `node` with every string bound scaled by `factor` and long lists capped. */
function scaled(node: unknown, factor: number): unknown {
  if (Array.isArray(node)) return node.map((n) => scaled(n, factor));
  if (!isJson(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = scaled(v, factor);
  if (typeof out.maxLength === 'number') {
    const floor = Math.max(typeof out.minLength === 'number' ? out.minLength : 0, Math.min(MIN_STRING, out.maxLength));
    out.maxLength = Math.max(floor, Math.floor(out.maxLength * factor));
  }
  if (typeof out.maxItems === 'number' && out.maxItems > LIST_CAP) {
    const min = typeof out.minItems === 'number' ? out.minItems : 0;
    // Lists a reply must fill (choices: 2 to 6) keep their range; optional ones are capped.
    if (min === 0) out.maxItems = LIST_CAP;
  }
  return out;
}

/**
 * The schema with bounds tight enough that its longest reply fits in `maxTokens`
 * (at CHARS_PER_TOKEN), keeping them as loose as that allows. Unchanged if it fits already.
 */
export function fitSchema(schema: Json, maxTokens: number): Json {
  const budget = maxTokens * CHARS_PER_TOKEN;
  if (longestJson(schema) <= budget) return schema;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 20; i++) {
    const mid = (low + high) / 2;
    if (longestJson(scaled(schema, mid)) <= budget) low = mid;
    else high = mid;
  }
  return scaled(schema, low) as Json;
}

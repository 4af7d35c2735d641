/**
 * The model's context window: what is known without asking (OpenAI's own models), what a
 * "prompt too long" error says, and how much of the window one request may use. Pure.
 */

/** When neither the server, the config nor the table knows: small enough for most local setups. */
export const DEFAULT_WINDOW = 8192;

/** Where the window came from, for the banner, /memory and notices. */
export type WindowSource = 'config' | 'llama.cpp' | 'vllm' | 'lmstudio' | 'ollama' | 'table' | 'error' | 'cache' | 'default';

export interface ContextWindow {
  tokens: number;
  source: WindowSource;
}

/** OpenAI's models by name prefix, longest prefix first (the published context lengths). */
const OPENAI_WINDOWS: readonly [string, number][] = [
  ['gpt-4.1', 1_047_576],
  ['gpt-5', 400_000],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4-32k', 32_768],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['o4-mini', 200_000],
  ['o3', 200_000],
  ['o1-mini', 128_000],
  ['o1', 200_000],
];

export function knownOpenAIWindow(model: string): number | null {
  const name = model.toLowerCase();
  const hit = OPENAI_WINDOWS.filter(([prefix]) => name.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return hit ? hit[1] : null;
}

export interface ContextOverflow {
  /** The window the server named, when it did. */
  window: number | null;
  /** The prompt size the server counted, when it said. */
  prompt: number | null;
}

const NUMBER = '(\\d[\\d,]*)';
const num = (s: string | undefined): number | null => {
  const n = s === undefined ? NaN : Number(s.replace(/,/g, ''));
  return Number.isFinite(n) && n > 0 ? n : null;
};

/**
 * A server's "the prompt does not fit" error, from its status, code and text; null when the
 * error is about something else. llama.cpp: "request (5964 tokens) exceeds the available
 * context size (4096 tokens)" (type exceed_context_size_error, n_ctx, n_prompt_tokens);
 * vLLM and OpenAI: "maximum context length is 8192 tokens … 9000 tokens";
 * OpenAI's code context_length_exceeded.
 */
export function parseContextOverflow(e: { status?: number | undefined; code?: unknown; type?: unknown; message: string; body?: unknown }): ContextOverflow | null {
  if (e.status !== undefined && e.status !== 400 && e.status !== 413) return null;
  const text = e.message;
  const body = (e.body && typeof e.body === 'object' ? e.body : {}) as Record<string, unknown>;
  const llama = new RegExp(`\\(${NUMBER} tokens\\) exceeds the available context size \\(${NUMBER} tokens\\)`, 'i').exec(text);
  if (llama) return { prompt: num(llama[1]), window: num(llama[2]) };
  const typed = e.type === 'exceed_context_size_error' || body.type === 'exceed_context_size_error';
  if (typed) return { window: num(String(body.n_ctx ?? '')), prompt: num(String(body.n_prompt_tokens ?? '')) };
  const max = new RegExp(`maximum context length is ${NUMBER} tokens`, 'i').exec(text);
  if (max) {
    const asked = new RegExp(`(?:requested|resulted in) ${NUMBER} tokens`, 'i').exec(text);
    return { window: num(max[1]), prompt: num(asked?.[1]) };
  }
  if (e.code === 'context_length_exceeded' || /context.{0,20}(length|size|window).{0,40}exceed|exceeds? .{0,30}context/i.test(text)) {
    return { window: null, prompt: null };
  }
  return null;
}

export interface ReplyRoom {
  /** max_tokens for the turn's reply. */
  replyTokens: number;
  /** Tokens kept free for the estimate's error. */
  margin: number;
  /** What the prompt may take: window − reply − margin. */
  promptBudget: number;
}

/**
 * How a window is shared between the prompt and the reply. A small window lowers the reply
 * budget (the grammar-fitted schema shrinks with it) so the story keeps room.
 */
export function replyRoom(window: number, packMaxTokens: number): ReplyRoom {
  const replyTokens = Math.max(128, Math.min(packMaxTokens, Math.floor(window / 4)));
  const margin = Math.max(32, Math.ceil(window * 0.03));
  return { replyTokens, margin, promptBudget: window - replyTokens - margin };
}

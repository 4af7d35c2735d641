/**
 * Asking a server how large its model's context window is, the way each kind of server says
 * it: llama.cpp (/props), vLLM (/v1/models max_model_len), LM Studio (/api/v0/models), Ollama
 * (/api/ps, else /api/show capped by its default). Every question is short and may fail:
 * silence or an error just means "this server does not say".
 */
import type { ContextWindow } from '../core/context-window.js';
import { en, type Messages } from '../core/messages/en.js';

/** Ollama runs a model with 4096 tokens unless told otherwise, whatever the model could take. */
export const OLLAMA_DEFAULT_CTX = 4096;
const PROBE_TIMEOUT_MS = 2500;

export interface ProbeResult extends ContextWindow {
  /** llama.cpp can count tokens exactly: POST {root}/tokenize. */
  tokenizeURL: string | null;
  /** Something the player should know once (how to give Ollama a larger window). */
  notice: string | null;
}

type Json = Record<string, unknown>;

/** A discovery answer is small; a server that sends more is not answering the question. */
const MAX_PROBE_BYTES = 1_000_000;

/** The body as text, or null once it passes `max` bytes (the rest is never read). */
async function capped(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The server's root: the base URL without its /v1 (where llama.cpp and Ollama keep their own routes). */
export function serverRoot(baseURL: string): string {
  const u = new URL(baseURL);
  u.search = '';
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/v1$/, '') || '/';
  return u.toString().replace(/\/+$/, '');
}

const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

export class WindowProbe {
  constructor(
    private readonly baseURL: string,
    private readonly model: string,
    private readonly headers: Record<string, string>,
    private readonly fetchImpl: typeof fetch = fetch,
    /** The notices' words, in the interface language. */
    private readonly words: Messages['window'] = en.window,
  ) {}

  private async json(url: string, init: RequestInit = {}): Promise<Json | unknown[] | null> {
    try {
      const res = await this.fetchImpl(url, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'error' });
      if (!res.ok) {
        await res.body?.cancel();
        return null;
      }
      const text = await capped(res, MAX_PROBE_BYTES);
      return text === null ? null : (JSON.parse(text) as Json);
    } catch {
      return null;
    }
  }

  /** The first server kind that answers decides; null when none does. */
  async probe(): Promise<ProbeResult | null> {
    const root = serverRoot(this.baseURL);
    // Asked at once, so a server that answers none of them costs one round trip, not four.
    const answers = await Promise.all([this.llamaCpp(root), this.ollama(root), this.vllm(), this.lmStudio(root)]);
    return answers.find((a) => a !== null) ?? null;
  }

  private async llamaCpp(root: string): Promise<ProbeResult | null> {
    const props = (await this.json(`${root}/props`)) as Json | null;
    const settings = props?.default_generation_settings as Json | undefined;
    const n = positive(settings?.n_ctx) ?? positive(props?.n_ctx);
    return n ? { tokens: n, source: 'llama.cpp', tokenizeURL: `${root}/tokenize`, notice: null } : null;
  }

  private async vllm(): Promise<ProbeResult | null> {
    const list = (await this.json(`${this.baseURL.replace(/\/+$/, '')}/models`)) as Json | null;
    const models = Array.isArray(list?.data) ? (list.data as Json[]) : [];
    const mine = models.find((m) => m.id === this.model) ?? (models.length === 1 ? models[0] : undefined);
    const n = positive(mine?.max_model_len);
    return n ? { tokens: n, source: 'vllm', tokenizeURL: null, notice: null } : null;
  }

  private async lmStudio(root: string): Promise<ProbeResult | null> {
    const list = (await this.json(`${root}/api/v0/models`)) as Json | null;
    const models = Array.isArray(list?.data) ? (list.data as Json[]) : [];
    const mine = models.find((m) => m.id === this.model) ?? models.find((m) => m.state === 'loaded');
    const n = positive(mine?.loaded_context_length) ?? positive(mine?.max_context_length);
    return n ? { tokens: n, source: 'lmstudio', tokenizeURL: null, notice: null } : null;
  }

  private async ollama(root: string): Promise<ProbeResult | null> {
    const version = (await this.json(`${root}/api/version`)) as Json | null;
    if (typeof version?.version !== 'string') return null;
    const ps = (await this.json(`${root}/api/ps`)) as Json | null;
    // Ollama lists "llama3.1:latest" for a model asked for as "llama3.1".
    const names = [this.model, `${this.model}:latest`];
    const loaded = (Array.isArray(ps?.models) ? (ps.models as Json[]) : []).find((m) => names.includes(String(m.name)) || names.includes(String(m.model)));
    const running = positive(loaded?.context_length);
    if (running) return { tokens: running, source: 'ollama', tokenizeURL: null, notice: running <= OLLAMA_DEFAULT_CTX ? this.words.ollama(running, null) : null };
    const show = (await this.json(`${root}/api/show`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: this.model }) })) as Json | null;
    const info = (show?.model_info ?? {}) as Json;
    const trained = Object.entries(info).filter(([k]) => k.endsWith('.context_length')).map(([, v]) => positive(v)).find((v) => v !== null) ?? null;
    const n = Math.min(trained ?? OLLAMA_DEFAULT_CTX, OLLAMA_DEFAULT_CTX);
    return { tokens: n, source: 'ollama', tokenizeURL: null, notice: trained && trained > n ? this.words.ollama(n, trained) : null };
  }

  /** Exact token count of a text from llama.cpp's tokenizer, or null. */
  async tokenize(url: string, content: string): Promise<number | null> {
    const body = await this.json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content, add_special: false }) });
    const tokens = (body as Json | null)?.tokens;
    return Array.isArray(tokens) ? tokens.length : null;
  }
}

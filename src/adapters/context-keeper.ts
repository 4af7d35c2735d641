/**
 * What the narrator knows about one server+model's context window and its tokenizer:
 * learned once per session (the configured value, else the server's own answer, else
 * OpenAI's table, else what an earlier overflow taught, else a default), corrected by
 * every overflow error and every usage report, and remembered in the config between runs.
 */
import { DEFAULT_WINDOW, knownOpenAIWindow, type ContextOverflow, type ContextWindow } from '../core/context-window.js';
import { calibratedCounter, estimateTokens, nextFactor } from '../core/tokens.js';
import type { WindowProbe } from './window-probe.js';
import { en, type Messages } from '../core/messages/en.js';

/** What is remembered between runs, per server+model. */
export interface ContextMemo {
  window?: number;
  factor?: number;
}

export interface ContextCache {
  get(key: string): ContextMemo | undefined;
  set(key: string, value: ContextMemo): void;
}

export interface ContextKeeperOptions {
  key: string;
  model: string;
  /** OpenAI's own host: its models are in the table and nothing needs probing. */
  openAIHost: boolean;
  /** --context or `config set context`: outranks everything. */
  override: number | null;
  cache: ContextCache;
  probe: WindowProbe | null;
  notice: (text: string) => void;
  log: (text: string) => void;
  /** The notices' words, in the interface language. */
  words?: Messages['window'];
}

/** A factor is saved only when it moved this much: the config file is not rewritten every turn. */
const SAVE_STEP = 0.05;

export class ContextKeeper {
  private known: Promise<ContextWindow> | null = null;
  private current: ContextWindow | null = null;
  private factor: number | null;
  private savedFactor: number | null;
  private tokenizeURL: string | null = null;
  private exactDone = false;

  constructor(private readonly o: ContextKeeperOptions) {
    this.factor = o.cache.get(o.key)?.factor ?? null;
    this.savedFactor = this.factor;
  }

  /** The window, learned on first use and kept for the session. */
  window(): Promise<ContextWindow> {
    this.known ??= this.learn().then((w) => (this.current = w));
    return this.known;
  }

  private async learn(): Promise<ContextWindow> {
    if (this.o.override) return { tokens: this.o.override, source: 'config' };
    const table = this.o.openAIHost ? knownOpenAIWindow(this.o.model) : null;
    if (table) return { tokens: table, source: 'table' };
    const probed = this.o.probe ? await this.o.probe.probe() : null;
    if (probed) {
      this.tokenizeURL = probed.tokenizeURL;
      if (probed.notice) this.o.notice(probed.notice);
      this.o.log(`context window ${probed.tokens} tokens (from ${probed.source})`);
      return { tokens: probed.tokens, source: probed.source };
    }
    const cached = this.o.cache.get(this.o.key)?.window;
    if (cached) return { tokens: cached, source: 'cache' };
    this.o.notice((this.o.words ?? en.window).assumed(DEFAULT_WINDOW));
    return { tokens: DEFAULT_WINDOW, source: 'default' };
  }

  /** Counts text as this server would (as far as it has shown us). */
  counter(): (text: string) => number {
    return calibratedCounter((this.factor ?? 1) * 1.05);
  }

  /** llama.cpp can count exactly: once per session, the request text calibrates the estimate. */
  async calibrateExactly(sample: () => string): Promise<void> {
    if (this.exactDone || !this.tokenizeURL || !this.o.probe) return;
    this.exactDone = true;
    const text = sample();
    const exact = await this.o.probe.tokenize(this.tokenizeURL, text);
    if (exact) this.learnCount(estimateTokens(text), exact, 'tokenize');
  }

  /** The server counted `actual` prompt tokens where the plain estimate said `estimated`. */
  learnCount(estimated: number, actual: number, from = 'usage'): void {
    const next = nextFactor(this.factor, estimated, actual);
    if (next === this.factor) return;
    this.factor = next;
    if (this.savedFactor === null || Math.abs(next - this.savedFactor) / this.savedFactor > SAVE_STEP) {
      this.savedFactor = next;
      this.save({ factor: next });
      this.o.log(`token estimate calibrated from ${from}: ×${next.toFixed(2)}`);
    }
  }

  /**
   * An overflow error: learn what it says (the real window, the real prompt size) so the next
   * request fits. With nothing to learn from, assume a quarter less room than we thought.
   */
  learnOverflow(o: ContextOverflow, sentEstimate: number, sentTokens: number): void {
    const was = this.current?.tokens ?? DEFAULT_WINDOW;
    if (o.prompt && sentEstimate > 0) this.learnCount(sentEstimate, o.prompt, 'the error');
    const tokens = o.window ?? (o.prompt ? was : Math.floor(Math.min(was, sentTokens) * 0.75));
    this.current = { tokens, source: 'error' };
    this.known = Promise.resolve(this.current);
    if (!this.o.override) this.save({ window: tokens });
    this.o.log(`the server says the prompt did not fit; window now ${tokens} tokens`);
  }

  private save(memo: ContextMemo): void {
    try {
      this.o.cache.set(this.o.key, { ...this.o.cache.get(this.o.key), ...memo });
    } catch (err) {
      this.o.log(`could not remember the context window: ${(err as Error).message}`);
    }
  }
}

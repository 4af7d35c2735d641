/**
 * Tokens a game has used, and what they cost where the config has a price for the model.
 * Everything sent counts: every turn kept in the journal (undone ones and /retry alternatives
 * too, they were paid for) and every summary the model wrote. Pure.
 */
import type { JournalEvent, Timeline, Usage } from './journal.js';
import type { Prices } from './settings.js';
import { en, type Messages } from './messages/en.js';

export interface TokenTotals {
  prompt: number;
  completion: number;
  cached: number;
  /** Turns and summaries whose usage the server reported (a turn may have taken several calls). */
  reported: number;
}

export const NO_TOKENS: TokenTotals = { prompt: 0, completion: 0, cached: 0, reported: 0 };

export function addUsage(t: TokenTotals, u: Usage | null): TokenTotals {
  if (!u) return t;
  return { prompt: t.prompt + u.prompt_tokens, completion: t.completion + u.completion_tokens, cached: t.cached + (u.cached_tokens ?? 0), reported: t.reported + 1 };
}

/** Two calls' tokens as one (cached tokens kept where either side reported them). */
export function sumUsage(t: Usage | null, u: Usage): Usage {
  const cached = (t?.cached_tokens ?? 0) + (u.cached_tokens ?? 0);
  return {
    prompt_tokens: (t?.prompt_tokens ?? 0) + u.prompt_tokens,
    completion_tokens: (t?.completion_tokens ?? 0) + u.completion_tokens,
    total_tokens: (t?.total_tokens ?? 0) + u.total_tokens,
    ...(t?.cached_tokens !== undefined || u.cached_tokens !== undefined ? { cached_tokens: cached } : {}),
  };
}

export function journalTokens(events: readonly JournalEvent[]): TokenTotals {
  return events.reduce((t, e) => (e.type === 'turn' || e.type === 'summary' ? addUsage(t, e.usage) : t), NO_TOKENS);
}

/** Every token a game has used, on every branch, as the server reported them: its turns and its summaries. */
export const gameTokens = (t: Timeline): TokenTotals => journalTokens([...t.turns.values(), ...t.summaries.values()]);

/** Dollars for these tokens at the model's price (cached prompt tokens at the cached price, if given); null without a price. */
export function costOf(t: TokenTotals, model: string | null, prices: Prices | undefined): number | null {
  const price = model && prices && Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (!price) return null;
  const cachedPrice = price.cached ?? price.input;
  const fresh = t.prompt - t.cached;
  return (fresh * price.input + t.cached * cachedPrice + t.completion * price.output) / 1_000_000;
}

/** "12,345 prompt (8,000 cached) + 2,100 reply = 14,445 tokens, $0.0031", in the catalogue's words. */
export function tokensLine(t: TokenTotals, cost: number | null, m: Messages = en): string {
  return m.tokens(t, cost);
}

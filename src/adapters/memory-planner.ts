/**
 * Fitting one turn's request to the model's window: folding older turns into the summary
 * when a chunk is due (or when the window cannot hold them verbatim), then building the
 * messages under the budget. The narrator asks it once per call.
 */
import { buildMessages, ContextTooSmall, type ChatMessage, type MemoryReport } from '../core/prompt.js';
import { replyRoom } from '../core/context-window.js';
import { digestSummary, FOLD_CHUNK, foldCount, MIN_RECENT, type FoldInput } from '../core/summary.js';
import { SUMMARY_REPLY_TOKENS } from '../core/summary-request.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Fold, MemoryView, NarrateOptions, NarrationRequest } from '../engine/ports.js';
import type { ContextKeeper } from './context-keeper.js';
import type { Folded } from './model-summary.js';

/** The smallest reply a turn is given room for: a short narration, its choices, the JSON around them. */
export const MIN_REPLY_TOKENS = 256;

export type Summarize = (f: FoldInput, promptBudget: number, count: (t: string) => number, signal: AbortSignal | undefined) => Promise<Folded>;

export interface Planned {
  messages: ChatMessage[];
  report: MemoryReport;
  maxTokens: number;
  view: MemoryView;
}

export interface PlanInput {
  /** max_tokens this call would like (the pack's, or doubled after a cut-off reply). */
  maxTokens: number;
  /** True after a cut-off reply: the reply may then take up to half the window. */
  grown: boolean;
  /** Tokens sent besides the messages: the schema in the prompt, a repair exchange. */
  extraTokens: number;
}

export class MemoryPlanner {
  /** The turn number the model last summarised up to, this session (0: not yet). */
  private modelFoldAt = 0;

  constructor(private readonly keeper: ContextKeeper, private readonly summarize: Summarize) {}

  /**
   * Fold whatever is due: a whole chunk normally, all but the last turns under pressure, and
   * every turn when even the last ones cannot be sent verbatim (`all`).
   */
  async fold(request: NarrationRequest, pressure: boolean, options: NarrateOptions, all = false): Promise<NarrationRequest> {
    const n = all ? request.history.length : foldCount(request.history.length, pressure);
    if (n === 0) return request;
    const folded = request.history.slice(0, n);
    const last = folded.at(-1)!;
    const window = await this.keeper.window();
    const input: FoldInput = { previous: request.summary?.summary ?? null, before: request.summary?.state ?? null, turns: folded, language: request.pack.manifest.language };
    const budget = window.tokens - SUMMARY_REPLY_TOKENS - replyRoom(window.tokens, 0).margin;
    // A small window folds every few turns: the model rewrites the summary once per chunk of
    // turns, and the folds in between are the engine's digest (no call, same bounds).
    const byModel = last.n - this.modelFoldAt >= FOLD_CHUNK;
    // Counted when asked, not when it worked: a model that cannot summarise is not asked at every fold.
    if (byModel) this.modelFoldAt = last.n;
    const done = byModel ? await this.summarize(input, budget, this.keeper.counter(), options.signal) : { summary: digestSummary(input), source: 'digest' as const, usage: null };
    const fold: Fold = { through: last.id, turns: last.n, source: done.source, summary: done.summary, usage: done.usage };
    await options.onFold?.(fold);
    return { ...request, summary: { summary: done.summary, turns: last.n, state: last.state }, history: request.history.slice(n) };
  }

  /** The messages under the budget; a pack that cannot fit at all is one clear failure. */
  async plan(request: NarrationRequest, want: PlanInput): Promise<Planned> {
    const window = await this.keeper.window();
    const room = replyRoom(window.tokens, want.maxTokens);
    // A small window lowers the reply budget (and the schema fitted to it) to leave the story room.
    const wanted = want.grown ? Math.min(want.maxTokens, Math.max(room.replyTokens, Math.floor(window.tokens / 2))) : room.replyTokens;
    // Where the server can count exactly, the first plan of a session is measured before it is fitted.
    await this.keeper.calibrateExactly(() => buildMessages(request).messages.map((m) => m.content).join('\n'));
    const count = this.keeper.counter();
    const build = (maxTokens: number): Planned => {
      const { messages, report } = buildMessages(request, { tokens: window.tokens - maxTokens - room.margin - want.extraTokens, count });
      return { messages, report, maxTokens, view: { window, replyTokens: maxTokens, margin: room.margin, report } };
    };
    try {
      return build(wanted);
    } catch (err) {
      if (!(err instanceof ContextTooSmall)) throw err;
      // Before refusing, the reply gives way: what is left beside the required part, down to a floor.
      const left = window.tokens - room.margin - want.extraTokens - err.needed;
      if (left >= MIN_REPLY_TOKENS && left < wanted) return build(left);
      throw tooSmall(request, err.needed + Math.min(wanted, MIN_REPLY_TOKENS) + room.margin + want.extraTokens, window);
    }
  }

  /** Examples were cut now, but a request with only the last turns verbatim would keep them. */
  private async foldWouldKeepExamples(request: NarrationRequest, want: PlanInput, planned: Planned): Promise<boolean> {
    if (!examplesCut(planned, request) || request.history.length <= MIN_RECENT) return false;
    const folded = await this.plan({ ...request, history: request.history.slice(-MIN_RECENT) }, want);
    return !examplesCut(folded, request);
  }

  /**
   * Plan, and when recent turns or examples had to be left out, fold the turns first: nothing is
   * forgotten, and the request's prefix changes once, at the fold, instead of turn after turn.
   */
  async fitted(request: NarrationRequest, want: PlanInput, options: NarrateOptions): Promise<{ request: NarrationRequest; planned: Planned }> {
    let planned = await this.plan(request, want);
    if (planned.report.droppedTurns > 0 || (await this.foldWouldKeepExamples(request, want, planned))) {
      request = await this.fold(request, true, options);
      planned = await this.plan(request, want);
    }
    // A window too tight for even the last turns: they go into the summary too, never nowhere.
    if (planned.report.droppedTurns > 0) {
      request = await this.fold(request, true, options, true);
      planned = await this.plan(request, want);
    }
    return { request, planned };
  }
}

/** Told by the report's count, not by its words (they are the catalogue's, and may change). */
const examplesCut = (p: Planned, request: NarrationRequest): boolean => p.report.examplesSent !== request.pack.examples.length;

function tooSmall(request: NarrationRequest, needed: number, window: { tokens: number; source: string }): RuntimeFailure {
  const from = window.source === 'config' ? 'as configured' : window.source === 'default' ? 'assumed' : `from ${window.source}`;
  return new RuntimeFailure(
    `pack "${request.pack.manifest.id}" needs about ${needed} tokens per request (system prompt, state and the scene's directive, with the shortest reply) but the model's context window is ${window.tokens} tokens (${from})`,
    'give the server a larger window (llama.cpp: -c 8192; Ollama: OLLAMA_CONTEXT_LENGTH=8192; LM Studio: raise the context length), or pass --context N if it really has more',
  );
}

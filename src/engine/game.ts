/**
 * The game loop over the ports: show the head turn, take input, play a turn or an
 * in-game command, append every change to the journal as it happens.
 */
import type { Pack, Script } from '../core/pack.js';
import { depthOf, headTurn, memoryTo, step, type JournalEvent, type Timeline, type TurnEvent } from '../core/journal.js';
import type { PastTurn } from '../core/prompt.js';
import type { GameState } from '../core/state.js';
import type { Turn } from '../core/reply.js';
import type { Prices } from '../core/settings.js';
import { sanitizeDeep } from '../core/sanitize.js';
import { quoteArg } from '../core/quote.js';
import { QuitAfterFailure, RuntimeFailure, SaveFailed, WriteFailed } from '../core/errors.js';
import { verdictLine, type Verdict } from '../core/verdict.js';
import type { Clipboard, ImageMaker, PictureStore, TranscriptSink, VerdictView, Fold, MemoryView, NarrateOptions, NarrationRequest, Narrator, SaveStore, Ui } from './ports.js';
import { Painter } from './pictures.js';
import { Transcript } from './transcript.js';
import { narrateTurn, openingTurn, planTurn, readInput, RefusalError, styledTurn, type TurnPlan, type TurnResult } from './turn.js';
import { runCommand, type CommandOutcome } from './commands.js';
import { classifyInput } from '../core/input.js';
import type { ClassifyReply } from '../core/classify.js';
import { messages, type Messages } from '../core/messages/index.js';
import { gameTokens } from '../core/usage.js';
import { nothingChanged, stateChanges, statusOf } from '../core/status.js';
import { continuation } from './continuation.js';

/** How a game left off; 'new' asks for a new game of the same pack (offered after an ending). */
export type GameEnd = 'quit' | 'ending' | 'eof' | 'new';

export interface GameOptions {
  pack: Pack;
  narrator: Narrator;
  ui: Ui;
  store: SaveStore;
  slot: string;
  timeline: Timeline;
  initialState: GameState;
  /** The window check was already made (play does it before creating the save): not twice. */
  fitChecked?: boolean;
  /** Prices per model from the config, for /usage. */
  prices?: Prices | undefined;
  /** --images generate: each turn's picture is made in the background. */
  images?: { maker: ImageMaker; pictures: PictureStore } | undefined;
  /** Where /transcript on writes. */
  transcript?: TranscriptSink | undefined;
  /** /image copies the prompt here, where there is a clipboard. */
  clipboard?: Clipboard | undefined;
  /** The folder pictures are saved in, for /image. */
  pictureDir?: string | undefined;
  /** The interface's language (session.ts decides: config, then the pack's, then LANG); default the pack's. */
  language?: string | undefined;
}

/**
 * A plan like the next turn's, for checking that requests fit before anything is played: the
 * scene's directive and a first-choice input (the opening's, for a new scripted game).
 */
export function representativePlan(pack: Pack, state: GameState, head: Turn | null): TurnPlan {
  const shown = head ?? (pack.script ? openingTurn(pack as Pack & { script: Script }, state) : null);
  if (!shown || shown.game_over) return { input: null, said: null, state, rails: null, authored: null };
  return planTurn(pack, state, '1', shown.choices);
}

/** Refuse, before a save is made, a pack that cannot fit the narrator's window. */
export async function preflight(narrator: Narrator, pack: Pack, state: GameState): Promise<void> {
  await narrator.preflight?.({ ...representativePlan(pack, state, null), pack, summary: null, history: [], notes: [] });
}

export class Game {
  /** Aborts the model request of the turn in progress (Ctrl-C). */
  private inFlight: AbortController | null = null;
  /** The number of the turn being narrated, while it is. */
  private playing: number | null = null;

  /** Pictures on their way (--images generate), else null. */
  readonly painter: Painter | null;
  readonly transcript: Transcript | null;

  /** The engine's own words, in the interface language. */
  readonly m: Messages;
  readonly language: string;

  constructor(readonly o: GameOptions) {
    this.language = o.language ?? o.pack.manifest.language;
    this.m = messages(this.language);
    const t = o.timeline;
    // A picture's line waits while the player is typing: a line written under the prompt would break it.
    const ui = { notice: (l: string) => this.whenNotAsking(() => o.ui.notice(l)), event: (ty: string, d: Record<string, unknown>) => this.whenNotAsking(() => o.ui.event(ty, d)) };
    this.painter = o.images
      ? new Painter({ ...o.images, slot: o.slot, ui, has: (id) => t.images.has(id), numberOf: (id) => depthOf(t, id), record: (e) => this.record(e), words: this.m.session })
      : null;
    this.transcript = o.transcript ? new Transcript(o.transcript, o.pack, t, this.m.session, this.language) : null;
  }

  /** Lines held back while the ui waits for input, shown as soon as it has it. */
  private asking: (() => void)[] | null = null;

  private whenNotAsking(show: () => void): void {
    if (this.asking) this.asking.push(show);
    else show();
  }

  /** One line of input; whatever came up meanwhile (a picture is ready) is shown right after. */
  private async ask(choices: string[], ended: boolean): Promise<string | null> {
    this.asking = [];
    try {
      return await this.o.ui.ask(choices, ended);
    } finally {
      const held = this.asking;
      this.asking = null;
      for (const show of held) show();
    }
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Cancel the request in flight; false when there is none (or it is already cancelled). */
  abortTurn(): boolean {
    if (!this.inFlight || this.inFlight.signal.aborted) return false;
    this.inFlight.abort();
    return true;
  }

  get head(): TurnEvent | null {
    return headTurn(this.o.timeline);
  }

  /** The last append: appends go one at a time (a picture made in the background is recorded between turns). */
  private writing: Promise<unknown> = Promise.resolve();

  /** Append to the journal, then to the timeline: an event that is not on disk never counts. */
  async record(event: JournalEvent): Promise<void> {
    const write = this.writing.catch(() => undefined).then(() => this.o.store.append(this.o.slot, event));
    this.writing = write;
    try {
      await write;
    } catch (err) {
      throw err instanceof WriteFailed ? this.saveFailed(event, err) : err;
    }
    step(this.o.timeline, event);
  }

  /** Which turn could not be saved, in the player's numbering (a summary belongs to the turn being played). */
  private saveFailed(event: JournalEvent, err: WriteFailed): SaveFailed {
    const t = this.o.timeline;
    const resume = `promptquest continue ${quoteArg(this.o.slot)}`;
    if (event.type === 'turn') return new SaveFailed(depthOf(t, event.parent) + 1, err.code, err.file, resume);
    if (event.type === 'summary') return new SaveFailed(this.playing ?? depthOf(t, t.head) + 1, err.code, err.file, resume);
    return new SaveFailed(depthOf(t, t.head), err.code, err.file, resume, `the ${event.type}`);
  }

  show(): void {
    const head = this.head;
    if (!head) return;
    // Already terminal-safe: append() filters every turn and the store filters what it loads.
    const n = depthOf(this.o.timeline, head.id);
    this.o.ui.showTurn({ n, turn: head.turn, state: head.state, usage: head.usage });
    this.o.ui.status?.(statusOf(this.o.pack, head.state, n, this.tokensUsed()));
    this.painter?.paint(head);
    this.transcript?.shown(head, (line) => this.o.ui.notice(line));
  }

  /** Tokens the whole game has used, as the server reported them; null when it never did. */
  private tokensUsed(): number | null {
    const total = gameTokens(this.o.timeline);
    return total.reported > 0 ? total.prompt + total.completion : null;
  }

  async run(): Promise<GameEnd> {
    this.o.ui.begin?.({ title: this.o.pack.manifest.title, language: this.language });
    // A pack that cannot fit the model's window is refused now, with the numbers, not mid-game.
    await this.preflight();
    if (this.o.ui.banner && this.o.narrator.describe) this.o.ui.banner(await this.o.narrator.describe());
    // open() shows the opening it makes; a resumed game is shown here (never twice).
    if (this.head) this.show();
    else await this.open();
    // An opening the narrator declined (or Ctrl-C cancelled) leaves nothing to play from.
    if (!this.head) {
      throw new RuntimeFailure('the game could not begin: the narrator gave no opening scene', 'try again with promptquest continue, or another --model');
    }
    for (;;) {
      const head = this.head;
      const ended = head?.turn.game_over != null;
      const line = await this.ask(head?.turn.choices ?? [], ended);
      if (line === null) return 'eof';
      const text = line.trim();
      if (text === '') continue;
      if (text.startsWith('/')) {
        const outcome: CommandOutcome = await runCommand(this, text);
        if (outcome !== 'continue') return outcome;
        continue;
      }
      if (ended) return 'ending';
      // A command word without its slash, or a number that picks nothing, costs no turn.
      const c = classifyInput(text, head?.turn.choices ?? [], this.language);
      if (c.kind === 'command' || c.kind === 'hint') {
        this.o.ui.notice(c.kind === 'command' ? c.hint : c.text);
        continue;
      }
      await this.play(text);
    }
  }

  /** After an ending: the story goes on (a model's epilogue or continuation, the pack's authored epilogue offline). */
  async continueStory(typed: string | null): Promise<void> {
    if (this.head) await this.continueFrom(this.head, typed);
  }

  /** The story told on from `ended`: the continuation's turn, or its notice (false) when there is none to tell. */
  private async continueFrom(ended: TurnEvent, typed: string | null): Promise<boolean> {
    const parent = ended.parent !== null ? this.o.timeline.turns.get(ended.parent) : undefined;
    const next = continuation(this.o.pack, this.o.narrator.provider === 'offline', ended, parent?.turn.game_over != null, typed, this.language);
    if ('notice' in next) {
      this.o.ui.notice(next.notice);
      return false;
    }
    return this.narrateAndAppend(next.plan, ended);
  }

  /**
   * The same input told again from the same parent (/retry). A turn past an ending was a
   * continuation, so it is asked for as one again, never planned as an ordinary move there.
   */
  async tellAgain(input: string, parent: TurnEvent): Promise<boolean> {
    if (parent.turn.game_over == null) return this.play(input, parent);
    return this.continueFrom(parent, input === this.m.turn.continueInput ? null : input);
  }

  private async preflight(): Promise<void> {
    if (!this.o.narrator.preflight || this.o.fitChecked) return;
    const head = this.head;
    const plan = representativePlan(this.o.pack, head?.state ?? this.o.initialState, head?.turn ?? null);
    await this.o.narrator.preflight(this.request(plan, head, []));
  }

  private async open(): Promise<void> {
    const { pack, initialState } = this.o;
    if (pack.script) {
      const turn = openingTurn(pack as Pack & { script: Script }, initialState);
      await this.append(null, null, { turn, state: initialState, raw: null, usage: null, calls: 0, notes: [] }, null);
      this.show();
      return;
    }
    const plan: TurnPlan = { input: null, said: null, state: initialState, rails: null, authored: null };
    await this.narrateAndAppend(plan, null);
  }

  /** Play one input from the head. Returns false when the turn did not advance. */
  async play(input: string, parent: TurnEvent | null = this.head): Promise<boolean> {
    if (!parent) return false;
    const read = await this.read(parent, input);
    if (read === 'cancelled') {
      this.o.ui.notice(this.m.turn.cancelled);
      return false;
    }
    const plan = planTurn(this.o.pack, parent.state, input, parent.turn.choices, read);
    if (plan.clarify) {
      this.o.ui.notice(plan.clarify);
      return false;
    }
    return this.narrateAndAppend(plan, parent);
  }

  /** A model's reading of free text (cancellable like a turn); never a reason for the turn to fail. */
  private async read(parent: TurnEvent, input: string): Promise<ClassifyReply | null | 'cancelled'> {
    this.inFlight = new AbortController();
    try {
      const story = this.request({ input, said: null, state: parent.state, rails: null, authored: null }, parent, parent.notes);
      return await readInput(this.o.narrator, this.o.pack, parent.state, input, parent.turn.choices, this.inFlight.signal, story);
    } catch (err) {
      if (this.inFlight.signal.aborted) return 'cancelled';
      throw err;
    } finally {
      this.inFlight = null;
    }
  }

  private async narrateAndAppend(plan: TurnPlan, parent: TurnEvent | null): Promise<boolean> {
    const request = this.request(plan, parent, [...(parent?.notes ?? []), ...(plan.notes ?? [])]);
    this.playing = depthOf(this.o.timeline, parent?.id ?? null) + 1;
    try {
      const result = await this.narrateOrRetry(request, plan);
      if (!result) return false;
      await this.append(plan.input, plan.said, result, parent);
      this.show();
      if (parent) this.showChanges(parent.state, result.state);
      if (plan.verdict) this.showVerdict(plan.verdict);
      return true;
    } finally {
      this.playing = null;
    }
  }

  /**
   * The narration of one turn; null when it was not played (declined, cancelled, or the player
   * quit at the failure menu). A failed request is offered again where the ui can ask: nothing
   * of the turn is saved yet, and everything before it is.
   */
  private async narrateOrRetry(request: NarrationRequest, plan: TurnPlan): Promise<TurnResult | null> {
    for (;;) {
      this.inFlight = new AbortController();
      this.o.ui.beginTurn?.(this.playing ?? 1);
      try {
        return await narrateTurn(this.o.narrator, request, plan, {
          signal: this.inFlight.signal,
          onFold: (fold) => this.recordFold(fold),
          ...this.streaming(),
        });
      } catch (err) {
        if (err instanceof RefusalError) {
          this.o.ui.notice(this.m.turn.declined(err.message));
          return null;
        }
        if (this.inFlight.signal.aborted) {
          this.o.ui.notice(this.m.turn.cancelled);
          return null;
        }
        const choice = await this.offerRetry(err);
        if (choice === 'retry') continue;
        throw choice === 'quit' && err instanceof RuntimeFailure ? new QuitAfterFailure(err) : err;
      } finally {
        this.inFlight = null;
      }
    }
  }

  /**
   * What the player chose at the try-again menu; null where it was not offered: a ui that cannot
   * ask, or a failure trying again cannot fix (the disk), which is thrown at once.
   */
  private async offerRetry(err: unknown): Promise<'retry' | 'quit' | null> {
    const { ui } = this.o;
    if (!ui.offerRetry || !(err instanceof RuntimeFailure) || err instanceof SaveFailed || err instanceof WriteFailed) return null;
    // With its hint: quitting here prints no second line, so what to do about it is said now.
    return (await ui.offerRetry(this.m.turn.failed(err.hint ? `${err.message} — ${err.hint}` : err.message))) ? 'retry' : 'quit';
  }

  /** "Warmth 5 → 4", "+ brass key": after the narration, when anything changed. */
  private showChanges(before: GameState, after: GameState): void {
    const changes = stateChanges(this.o.pack, before, after);
    if (!nothingChanged(changes)) this.o.ui.changes?.(changes);
  }

  /** The engine's own line for the turn just shown; a ui without a verdict line gets a notice. */
  private showVerdict(v: Verdict): void {
    const head = this.head;
    const view: VerdictView = { n: head ? depthOf(this.o.timeline, head.id) : 0, outcome: v.outcome, triesLeft: v.triesLeft, line: verdictLine(v, this.language) };
    if (this.o.ui.verdict) this.o.ui.verdict(view);
    else this.o.ui.notice(view.line);
  }

  /** The ui's live-narration hooks, when it has them. */
  private streaming(): Pick<NarrateOptions, 'onText' | 'onRestart'> {
    const { ui } = this.o;
    return {
      ...(ui.onText ? { onText: (d: string) => ui.onText?.(d) } : {}),
      ...(ui.onRestart ? { onRestart: () => ui.onRestart?.() } : {}),
    };
  }

  /**
   * What the narrator is asked: the plan, and for a narrator that remembers, the summary on
   * this line and the turns after it (a bounded walk: the rest is in the summary).
   */
  request(plan: TurnPlan, parent: TurnEvent | null, notes: string[]): NarrationRequest {
    const { pack, narrator } = this.o;
    const base = { pack, state: plan.state, said: plan.said, rails: plan.rails, authored: plan.authored, notes, ...(plan.verdict && !plan.rails ? { freeVerdict: plan.verdict.outcome } : {}) };
    if (!parent || !narrator.remembers) return { ...base, summary: null, history: [] };
    const t = this.o.timeline;
    const memory = memoryTo(t, parent.id);
    const history = memory.turns.map((e): PastTurn => ({ id: e.id, n: depthOf(t, e.id), said: e.said, turn: e.turn, state: e.state }));
    const through = memory.summary ? t.turns.get(memory.summary.through) : undefined;
    const summary = memory.summary && through ? { summary: memory.summary.summary, turns: memory.summary.turns, state: through.state } : null;
    return { ...base, summary, history };
  }

  /** What the next request would hold (a placeholder stands for the input); null offline. */
  async memoryView(): Promise<MemoryView | null> {
    const { narrator, pack } = this.o;
    if (!narrator.describeMemory) return null;
    const head = this.head;
    const plan = representativePlan(pack, head?.state ?? this.o.initialState, head?.turn ?? null);
    return narrator.describeMemory(this.request({ ...plan, said: this.m.commands.nextInput }, head, head?.notes ?? []));
  }

  private async recordFold(fold: Fold): Promise<void> {
    await this.record(sanitizeDeep({ type: 'summary', ...fold, at: new Date().toISOString() }));
  }

  private async append(input: string | null, said: string | null, r: TurnResult, parent: TurnEvent | null) {
    const turn = styledTurn(this.o.pack, r.turn);
    // Every text (authored, typed, proposed) is filtered as the store filters what it loads, so a
    // save reads back exactly as written; only the raw model reply is kept verbatim.
    const event: TurnEvent = sanitizeDeep({
      type: 'turn',
      id: this.o.timeline.nextId,
      parent: parent?.id ?? null,
      input,
      said,
      raw: null,
      turn,
      state: r.state,
      usage: r.usage,
      calls: r.calls,
      notes: r.notes,
      at: new Date().toISOString(),
    } satisfies TurnEvent);
    await this.record({ ...event, raw: r.raw });
  }
}

/**
 * The engine's ports: the model, the terminal and the disk, each behind one small
 * interface so tests and the offline narrator plug in like any other adapter.
 */
import type { Pack } from '../core/pack.js';
import type { ClassifyReply, ClassifyRequest } from '../core/classify.js';
import type { VerdictOutcome } from '../core/verdict.js';
import type { MemoryReport, PastTurn, Rails } from '../core/prompt.js';
import type { ContextWindow } from '../core/context-window.js';
import type { StorySummary } from '../core/summary.js';
import type { Reply, Turn } from '../core/reply.js';
import type { GameState } from '../core/state.js';
import type { Header, JournalEvent, SummaryEvent, Usage } from '../core/journal.js';
import type { NarratorInfo, StateChangeView, StatusView } from '../core/status.js';

export type { NarratorInfo, StateChangeView, StatusView };


export interface NarrationRequest {
  pack: Pack;
  /** State after the engine has resolved the input (rails) or before the turn (free play). */
  state: GameState;
  /** The rolling summary of the turns before `history` (with the state at its last turn). */
  summary: { summary: StorySummary; turns: number; state: GameState } | null;
  /** The turns after the summary, oldest first (empty for narrators that do not remember). */
  history: PastTurn[];
  said: string | null;
  rails: Rails | null;
  /** The engine's verdict this turn in free play (on rails it travels in `rails`): the narration must agree. */
  freeVerdict?: VerdictOutcome | undefined;
  /** The authored rendering of this turn, when the pack has a script. */
  authored: { narration: string; image: string | null } | null;
  notes: string[];
}

export type Narration =
  | { kind: 'reply'; reply: Reply | Turn; raw: string | null; usage: Usage | null; calls: number }
  | { kind: 'refusal'; text: string; calls: number };

/** A fold of older turns into the summary, for the journal (the engine adds type and time). */
export type Fold = Omit<SummaryEvent, 'type' | 'at'>;

/** What a model was (or would be) sent, block by block, and the window it had to fit. */
export interface MemoryView {
  window: ContextWindow;
  replyTokens: number;
  margin: number;
  report: MemoryReport;
}

export interface NarrateOptions {
  signal?: AbortSignal;
  /** Older turns were folded into the summary: record it before the turn (it stays valid if the turn fails). */
  onFold?: (fold: Fold) => Promise<void>;
  /** Narration text as it arrives, for narrators that stream. */
  onText?: (delta: string) => void;
  /** The reply is being asked for again from scratch: text shown so far is void. */
  onRestart?: () => void;
}

export interface Narrator {
  readonly provider: 'offline' | 'openai';
  readonly model: string | null;
  /** Whether requests carry the story so far (a model's do; the authored script needs none). */
  readonly remembers: boolean;
  narrate(request: NarrationRequest, options?: NarrateOptions): Promise<Narration>;
  /** Before the first turn: refuse a pack that cannot fit the model's window, with the numbers. */
  preflight?(request: NarrationRequest): Promise<void>;
  /**
   * Which of the scene's options a free text means, by a small structured model call; null
   * when there is no reading (an error, a timeout, a bad reply): the engine reads it offline.
   * `story` is what the next turn's request will hold: the call is sent after that same prefix,
   * so a server's prompt cache serves both (one that keeps one prompt would otherwise lose it).
   */
  classify?(request: ClassifyRequest, signal?: AbortSignal, story?: NarrationRequest): Promise<ClassifyReply | null>;
  /** What the next request would hold (for /memory), without sending it. */
  describeMemory?(request: NarrationRequest): Promise<MemoryView>;
  /** Provider, model, server and window, for the banner. */
  describe?(): Promise<NarratorInfo>;
}

export interface TurnView {
  n: number;
  turn: Turn;
  state: GameState;
  /** Tokens the turn's model calls took, where the server said (null offline). */
  usage?: Usage | null;
}

export interface VerdictView {
  /** The turn the verdict belongs to. */
  n: number;
  outcome: VerdictOutcome;
  triesLeft: number | null;
  /** "✗ Not the answer — 2 tries left", "✓ 正确": in the pack's language. */
  line: string;
}

export interface Ui {
  showTurn(view: TurnView): void;
  /** Resolves with one line of input, or null at end of input. */
  ask(choices: string[], ended: boolean): Promise<string | null>;
  notice(text: string): void;
  /** Multi-line information asked for by the player (/help, /state). */
  info(text: string): void;
  /** The game is about to be shown: its title, and the language its interface should speak. */
  begin?(game: { title: string; language: string }): void;
  /** Turn n is being narrated (a ui can show a heading and that it is waiting). */
  beginTurn?(n: number): void;
  /** Narration as the model writes it, for a ui that can show it live. */
  onText?(delta: string): void;
  /** The reply is asked for again from scratch: what onText showed is void. */
  onRestart?(): void;
  /**
   * The engine's verdict on a riddle answer or an argument, as its own line after the turn it
   * belongs to: apart from the narration, and true whatever the narration says.
   */
  verdict?(v: VerdictView): void;
  /** A machine-readable event (only the JSON ui prints these). */
  event(type: string, data: Record<string, unknown>): void;
  /** One line at the start: who narrates (a terminal shows it; pipes keep their output as it was). */
  banner?(info: NarratorInfo): void;
  /** Where the game stands after each turn shown, for a status line. */
  status?(view: StatusView): void;
  /** What the turn just played changed, as a short line after its narration. */
  changes?(view: StateChangeView): void;
  /** A yes/no question (e.g. before /new); a ui without it means yes (pipes keep working as before). */
  confirm?(question: string): Promise<boolean>;
  /** A turn failed (the save is safe): try it again, or quit? A ui without it quits. */
  offerRetry?(problem: string): Promise<boolean>;
  close(): void;
}

export interface SlotSummary {
  slot: string;
  header: Header;
  turns: number;
  lastPlayed: string;
  ending: string | null;
}

export interface LoadedSave {
  header: Header;
  events: JournalEvent[];
  warnings: string[];
  /** The file line (1-based) of each event, where the store has lines. */
  lines?: number[];
}

export interface SaveStore {
  exists(slot: string): Promise<boolean>;
  /** A new slot; `events` come along when it is a fork. Never overwrites. */
  create(header: Header, events?: readonly JournalEvent[]): Promise<void>;
  append(slot: string, event: JournalEvent): Promise<void>;
  load(slot: string): Promise<LoadedSave>;
  list(): Promise<SlotSummary[]>;
  remove(slot: string): Promise<void>;
  /** Where a slot lives, for messages. */
  describe(slot: string): string;
}

/** An images model: a prompt in, PNG bytes out (or an error with one line to show). */
export interface ImageMaker {
  readonly model: string;
  generate(prompt: string, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Where a picture went: the name the journal records (`file` or a free variant of it) and its path. */
export interface SavedPicture {
  file: string;
  path: string;
}

/** Where pictures are kept: beside the saves. */
export interface PictureStore {
  save(file: string, png: Uint8Array): Promise<SavedPicture>;
}

/** A plain-text transcript being written as the game is played (/transcript on). */
export interface TranscriptSink {
  /** Starts (or goes on with) the transcript file; resolves with its path. */
  open(): Promise<string>;
  write(text: string): Promise<void>;
}

/** Copies text to the system clipboard; false when there is none (a headless machine). */
export type Clipboard = (text: string) => Promise<boolean>;

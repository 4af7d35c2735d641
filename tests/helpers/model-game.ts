/**
 * Whole games in process: the real Game and the real OpenAI narrator (the real SDK over real
 * HTTP) against a local test server, a scripted ui and an in-memory save store. For tests
 * about what reaches the model over many turns, without spawning the CLI for each.
 */
import { Game, type GameOptions } from '../../src/engine/game.js';
import type { TurnView, Ui, VerdictView } from '../../src/engine/ports.js';
import { OpenAINarrator } from '../../src/adapters/openai-narrator.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { MemorySaveStore } from '../../src/adapters/memory-store.js';
import type { ContextMemo } from '../../src/adapters/context-keeper.js';
import { emptyTimeline, fold, FORMAT_VERSION, type Header, type Timeline } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import type { Pack } from '../../src/core/pack.js';
import type { Capability } from '../../src/core/request.js';
import type { Prices } from '../../src/core/settings.js';

/** Records everything the engine shows (copies, as it was then); answers with queued inputs, then end of input. */
export class RecordingUi implements Ui {
  readonly shown: TurnView[] = [];
  readonly notices: string[] = [];
  readonly infos: string[] = [];
  readonly events: { type: string; data: Record<string, unknown> }[] = [];
  readonly asked: { choices: string[]; ended: boolean }[] = [];
  readonly verdicts: VerdictView[] = [];
  constructor(private readonly inputs: string[]) {}
  showTurn(view: TurnView): void {
    this.shown.push(structuredClone(view));
  }
  ask(choices: string[], ended: boolean): Promise<string | null> {
    this.asked.push({ choices: [...choices], ended });
    return Promise.resolve(this.inputs.shift() ?? null);
  }
  notice(text: string): void {
    this.notices.push(text);
  }
  verdict(v: VerdictView): void {
    this.verdicts.push(v);
  }
  info(text: string): void {
    this.infos.push(text);
  }
  event(type: string, data: Record<string, unknown>): void {
    this.events.push({ type, data: structuredClone(data) });
  }
  close(): void {}
  get last(): TurnView {
    const v = this.shown.at(-1);
    if (!v) throw new Error('no turn shown');
    return v;
  }
}

export interface ModelGameOptions {
  pack: Pack;
  baseURL: string;
  inputs: string[];
  context?: number | null;
  model?: string;
  /** Shared between games to see what is remembered between runs. */
  contexts?: Map<string, ContextMemo>;
  store?: MemorySaveStore;
  slot?: string;
  /** Start in this scene of the script instead of its start (a new game only). */
  scene?: string;
  /** Resume this timeline instead of starting a new game. */
  timeline?: Timeline;
  prices?: Prices;
}

export async function playModelGame(o: ModelGameOptions) {
  const store = o.store ?? new MemorySaveStore();
  const slot = o.slot ?? 'model-game';
  const state = initialState(o.pack.manifest, {}, o.scene ?? o.pack.script?.start ?? null);
  if (!o.timeline) {
    const header: Header = {
      type: 'header', format: FORMAT_VERSION, slot,
      pack: { id: o.pack.manifest.id, version: o.pack.manifest.version, hash: o.pack.hash, dir: null },
      provider: 'openai', model: o.model ?? 'fake-model', base_url: o.baseURL, vars: state.vars,
      created: new Date().toISOString(), forked_from: null,
    };
    await store.create(header);
  }
  const contexts = o.contexts ?? new Map<string, ContextMemo>();
  const capabilities = new Map<string, Capability>();
  const log: string[] = [];
  const ui = new RecordingUi([...o.inputs]);
  const narrator = new OpenAINarrator({
    model: o.model ?? 'fake-model',
    baseURL: o.baseURL,
    apiKey: null,
    timeoutMs: 15_000,
    cache: { get: (k) => capabilities.get(k), set: (k, v) => void capabilities.set(k, v) },
    contextCache: { get: (k) => contexts.get(k), set: (k, v) => void contexts.set(k, v) },
    contextOverride: o.context ?? null,
    notice: (l) => ui.notice(l),
    log: (l) => log.push(l),
  });
  const game = new Game({ pack: o.pack, narrator, ui, store, slot, timeline: o.timeline ?? emptyTimeline(), initialState: state, prices: o.prices });
  const outcome = await game.run().then((end) => ({ end, error: null }), (error: unknown) => ({ end: null, error: error as Error }));
  const loaded = await store.load(slot);
  return { ...outcome, game, ui, store, slot, log, contexts, events: loaded.events, timeline: fold(loaded.events) };
}

/** The journal header of a new offline game of `pack` in `slot`. */
export const offlineHeader = (pack: Pack, slot: string, vars: Record<string, string> = {}): Header => ({
  type: 'header', format: FORMAT_VERSION, slot, pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: null },
  provider: 'offline', model: null, base_url: null, vars, created: 'now', forked_from: null,
});

/** A new offline game of `pack`, in memory, played with `ui` (its inputs) to the end; `extra` adds to the game's options (a clipboard, pictures, ...). */
export async function playOffline(pack: Pack, ui: Ui, slot = 's', extra: Partial<GameOptions> = {}) {
  const store = new MemorySaveStore();
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  await store.create(offlineHeader(pack, slot, state.vars));
  const game = new Game({ pack, narrator: new OfflineNarrator(), ui, store, slot, timeline: emptyTimeline(), initialState: state, ...extra });
  const end = await game.run();
  return { end, game, store };
}

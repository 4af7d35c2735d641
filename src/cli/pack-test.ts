/**
 * `promptquest pack test <dir>`: plays the pack's own test playthroughs through the
 * real engine (the Game loop, a save store, a narrator) and checks what each expects.
 * Offline by default; with --provider openai the same inputs go to a model, and the
 * script's rails keep the outcome, so the expectations still hold.
 */
import type { Pack, PackTest } from '../core/pack.js';
import { initialState } from '../core/state.js';
import { emptyTimeline, FORMAT_VERSION, type Header } from '../core/journal.js';
import { unmetExpectations } from '../core/pack-expect.js';
import { sanitizeText } from '../core/sanitize.js';
import type { NarrateOptions, Narration, NarrationRequest, Narrator, TurnView, Ui } from '../engine/ports.js';
import { Game } from '../engine/game.js';
import { loadPackReport } from '../adapters/pack-loader.js';
import { MemorySaveStore } from '../adapters/memory-store.js';
import { OfflineNarrator } from '../adapters/offline-narrator.js';
import { environment, makeNarrator, makeSettings, type Environment } from './session.js';
import { recordableBaseURL, shownURL, type Settings } from '../core/settings.js';
import { io } from './io.js';

/** Feeds the test's inputs in order and remembers what was shown; prints nothing. */
class ScriptedUi implements Ui {
  readonly narrations: string[] = [];
  readonly notices: string[] = [];
  consumed = 0;
  constructor(private readonly inputs: readonly string[]) {}
  showTurn(view: TurnView): void {
    this.narrations.push(view.turn.narration);
  }
  ask(): Promise<string | null> {
    const line = this.inputs[this.consumed];
    if (line !== undefined) this.consumed++;
    return Promise.resolve(line ?? null);
  }
  notice(text: string): void {
    this.notices.push(text);
  }
  info(): void {}
  /** Expectations check the state; the verdict line is for players. */
  verdict(): void {}
  event(): void {}
  close(): void {}
}

/** Keeps the script's own narration of each turn: a model re-tells it, but `says` checks what the script decided. */
class AuthoredRecorder implements Narrator {
  readonly authored: string[] = [];
  constructor(private readonly inner: Narrator) {}
  get provider() {
    return this.inner.provider;
  }
  get model() {
    return this.inner.model;
  }
  get remembers() {
    return this.inner.remembers;
  }
  narrate(request: NarrationRequest, options?: NarrateOptions): Promise<Narration> {
    if (request.authored) this.authored.push(request.authored.narration);
    return this.inner.narrate(request, options);
  }
}

interface TestRun {
  pack: Pack;
  env: Environment;
  settings: Settings;
}

export async function runPackTest(run: TestRun, test: PackTest): Promise<string[]> {
  const { pack, env, settings } = run;
  const ui = new ScriptedUi(test.inputs);
  const inner = settings.provider === 'offline' ? new OfflineNarrator() : await makeNarrator(env, settings, pack, {}, ui);
  const narrator = new AuthoredRecorder(inner);
  const store = new MemorySaveStore();
  const state = initialState(pack.manifest, {}, pack.script?.start ?? null);
  const header: Header = {
    type: 'header', format: FORMAT_VERSION, slot: 'pack-test',
    pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: pack.dir },
    provider: settings.provider, model: narrator.model, base_url: recordableBaseURL(settings.baseURL), vars: state.vars,
    created: new Date().toISOString(), forked_from: null,
  };
  await store.create(header);
  const game = new Game({ pack, narrator, ui, store, slot: header.slot, timeline: emptyTimeline(), initialState: state });
  let end;
  try {
    end = await game.run();
  } catch (err) {
    return [`the game stopped after ${ui.consumed} input(s): ${err instanceof Error ? err.message : String(err)}`];
  }
  const head = game.head;
  if (!head) return ['the game never opened'];
  const failures = unmetExpectations(test.expect, {
    state: head.state,
    gameOver: head.turn.game_over,
    narrations: [...ui.narrations, ...narrator.authored],
    // Game.run reads one more input after an ending before it stops.
    unplayed: end === 'ending' ? test.inputs.length - ui.consumed + 1 : 0,
  });
  if (failures.length && ui.notices.length) failures.push(`notices: ${ui.notices.join(' | ')}`);
  return failures;
}

interface TestFlags {
  provider?: 'offline' | 'openai' | undefined;
  model?: string | undefined;
  baseUrl?: string | undefined;
  json?: boolean | undefined;
}

export async function packTest(ref: string, flags: TestFlags): Promise<number> {
  const env = await environment();
  const { pack, tests } = loadPackReport(ref, env.home);
  // Offline unless asked: a configured API key must not turn a quick check into paid calls.
  const provider = flags.provider ?? (flags.baseUrl ? 'openai' : 'offline');
  const settings = makeSettings(env, { provider, model: flags.model, baseUrl: flags.baseUrl });
  const who = settings.provider === 'offline' ? 'offline narrator' : `model ${settings.model}${settings.baseURL ? ` at ${shownURL(settings.baseURL)}` : ''}`;
  const write = (line: string) => io().stdout.write(`${line}\n`);
  let failed = 0;
  for (const test of tests) {
    const failures = await runPackTest({ pack, env, settings }, test);
    if (failures.length) failed++;
    if (flags.json) write(JSON.stringify({ type: 'test', name: test.name, ok: failures.length === 0, failures }));
    else write(sanitizeText(failures.length ? `✗ ${test.name}: ${failures.join('; ')}` : `✓ ${test.name}`));
  }
  const passed = tests.length - failed;
  if (flags.json) write(JSON.stringify({ type: 'summary', passed, failed, total: tests.length, narrator: who }));
  else if (tests.length === 0) write(`No tests: add a tests file to ${pack.dir} (manifest key "tests"; see docs/packs.md).`);
  else write(`${passed} passed, ${failed} failed (${tests.length} tests, ${who})`);
  return failed > 0 ? 1 : 0;
}

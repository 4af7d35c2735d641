/** `promptquest continue [slot]`: resume a saved game, or fork it into a new slot. */
import { SaveDamaged, UnknownPack, UsageError } from '../core/errors.js';
import type { Pack } from '../core/pack.js';
import { checkSlot } from '../core/slot.js';
import type { ImagesMode } from '../core/settings.js';
import { fold, mainLine, unknownScene, type Header, type JournalEvent, type Timeline, type TurnEvent } from '../core/journal.js';
import { initialState } from '../core/state.js';
import type { LoadedSave, Ui } from '../engine/ports.js';
import { loadPack } from '../adapters/pack-loader.js';
import { quoteArg } from './quote.js';
import { messages } from '../core/messages/index.js';
import { checkNewSlot, sampleStore } from './saved-games.js';
import { gameExtras } from './game-extras.js';
import { playAgain } from './play.js';
import {
  environment, imagesMode, makeNarrator, makeSettings, makeUi, runGame, sessionLanguage, sessionNotices, type Environment, type SessionFlags,
} from './session.js';

export async function latestSlot(env: Environment): Promise<string> {
  const [latest] = await env.store.list();
  if (!latest) throw new UsageError('no saved games yet; start one with: promptquest play');
  return latest.slot;
}

/** Keep turns 1..n of the main line in a new slot, written in one go; the original is not touched. */
async function fork(env: Environment, header: Header, timeline: Timeline, n: number, newSlot: string): Promise<Header> {
  const line = mainLine(timeline);
  if (n < 1 || n > line.length) throw new UsageError(`--from-turn ${n} is out of range: "${header.slot}" has turns 1..${line.length}`);
  const forked: Header = { ...header, slot: newSlot, created: new Date().toISOString(), forked_from: { slot: header.slot, turn: n } };
  const kept = line.slice(0, n);
  const events = kept.flatMap((e, id): JournalEvent[] => {
    const turn: TurnEvent = { ...e, id, parent: id === 0 ? null : id - 1 };
    // The summaries and pictures that belonged to this line come along, renumbered with their
    // turns (a picture's file stays where it is: a fork reuses it, never generates it again).
    const summary = timeline.summaries.get(e.id);
    const image = timeline.images.get(e.id);
    return [turn, ...(summary ? [{ ...summary, through: id }] : []), ...(image ? [{ ...image, turn: id }] : [])];
  });
  await env.store.create(forked, events);
  return forked;
}

interface Source {
  loaded: LoadedSave;
  /** Where it was read from, for messages. */
  file: string;
}

/** A user's save, or (to fork it into a new slot) a bundled sample of that name. */
async function loadSource(env: Environment, slot: string, forking: boolean): Promise<Source> {
  const mine = async (): Promise<Source> => ({ loaded: await env.store.load(slot), file: env.store.describe(slot) });
  if (await env.store.exists(slot)) return mine();
  const samples = sampleStore();
  if (!(await samples.exists(slot))) return mine();
  if (!forking) throw new UsageError(`"${slot}" is a bundled sample game; play on from it in a slot of your own: promptquest continue ${quoteArg(slot)} --slot NEW`);
  return { loaded: await samples.load(slot), file: samples.describe(slot) };
}

/** Every scene a save stands in must be one the pack has: refused up front (exit 2), naming the line. */
export function checkScenes(pack: Pack, { loaded, file }: Source): void {
  const script = pack.script;
  if (!script) return;
  const bad = unknownScene(loaded.events, (scene) => Object.hasOwn(script.scenes, scene));
  if (!bad) return;
  const scene = JSON.stringify(bad.scene.slice(0, 60));
  throw new SaveDamaged(file, loaded.lines?.[bad.index] ?? null, `scene ${scene} is not in pack "${pack.manifest.id}" ${pack.manifest.version}; nothing was changed`);
}

/** The pack a save was played with; gone or moved is said as such, not as an unknown pack. */
function packOfSave(header: Header, home: string): Pack {
  try {
    return loadPack(header.pack.dir ?? header.pack.id, home);
  } catch (err) {
    throw missingPackOfSave(err, header);
  }
}

/** An UnknownPack (by its class, whatever its words) becomes "the pack of this game is missing"; anything else stays. */
export function missingPackOfSave(err: unknown, header: Header): unknown {
  if (!(err instanceof UnknownPack)) return err;
  return new UsageError(`the pack this game was played with ("${header.pack.id}"${header.pack.dir ? ` in ${header.pack.dir}` : ''}) is missing; put it back to continue (replay works without it)`);
}

interface ContinueFlags extends SessionFlags {
  fromTurn?: number | undefined;
}

export async function resume(slotArg: string | undefined, flags: ContinueFlags): Promise<number> {
  if (flags.var?.length) throw new UsageError("--var applies to new games; this game's variables are fixed");
  const env = await environment();
  if (flags.fromTurn !== undefined && flags.slot === undefined) throw new UsageError('--from-turn needs --slot NEW: a fork goes into a new slot');
  const source = slotArg !== undefined ? checkSlot(slotArg) : await latestSlot(env);
  // One writer per slot: the one written to (a fork only reads its source), taken before the load.
  const lock = await env.store.lock(flags.slot !== undefined ? checkSlot(flags.slot) : source);
  let ui: Ui | undefined;
  try {
    const from = await loadSource(env, source, flags.slot !== undefined);
    const images = imagesMode(env, flags);
    ui = await makeUi(flags, images, env);
    return await goOn(env, source, from, ui, flags, images);
  } finally {
    lock.release();
    ui?.close(); // whatever happened, stdin is let go: a terminal never waits for nobody
  }
}

async function goOn(env: Environment, source: string, from: Source, ui: Ui, flags: ContinueFlags, images: ImagesMode): Promise<number> {
  const { loaded } = from;
  for (const w of loaded.warnings) ui.notice(w);
  let header = loaded.header;
  let timeline = fold(loaded.events);
  // The file name is the slot: a save renamed on disk goes on in its new name, never its old one.
  let slot = source;
  // Pack and narrator first: a fork is only written when the game can go on from it.
  const pack = packOfSave(header, env.home);
  checkScenes(pack, from);
  const language = sessionLanguage(env, pack);
  const m = messages(language);
  if (pack.hash !== header.pack.hash) ui.notice(m.session.packChanged(pack.manifest.id));
  const settings = makeSettings(env, flags, header);
  const narrator = await makeNarrator(env, settings, pack, flags, ui);
  sessionNotices(ui, settings, m);
  if (flags.slot !== undefined) {
    const target = checkSlot(flags.slot);
    await checkNewSlot(env, target, 'choose another --slot');
    header = await fork(env, header, timeline, flags.fromTurn ?? mainLine(timeline).length, target);
    slot = target;
    timeline = fold((await env.store.load(target)).events);
    ui.notice(m.session.forked(source, header.forked_from?.turn ?? 0, target));
  }
  const state = initialState(pack.manifest, header.vars, pack.script?.start ?? null);
  const extras = await gameExtras(env, settings, flags, images, slot, ui, m);
  const end = await runGame({ pack, narrator, ui, store: env.store, slot, timeline, initialState: state, prices: env.config.prices, language, ...extras });
  // A new game of the same pack, set up as a plain `play` would be: never trusting the save's server.
  const { fromTurn: _fork, ...own } = flags;
  return end === 'new' ? playAgain(pack, own, ui) : 0;
}

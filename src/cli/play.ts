/** `promptquest play [pack]`: a new game. */
import type { Pack } from '../core/pack.js';
import { checkSlot } from '../core/slot.js';
import { recordableBaseURL, type ImagesMode, type Settings } from '../core/settings.js';
import { initialState } from '../core/state.js';
import { emptyTimeline, FORMAT_VERSION, type Header } from '../core/journal.js';
import type { Ui } from '../engine/ports.js';
import { preflight, type GameEnd } from '../engine/game.js';
import { loadPack } from '../adapters/pack-loader.js';
import { packDirForSave } from '../adapters/paths.js';
import { quoteArg } from './quote.js';
import { messages } from '../core/messages/index.js';
import { checkNewSlot } from './saved-games.js';
import { gameExtras } from './game-extras.js';
import { claimFreshSlot } from './new-slot.js';
import {
  askVars, DEFAULT_PACK, environment, freshSlotName, imagesMode, makeNarrator, makeSettings, makeUi, parseVars, runGame, sessionLanguage, sessionNotices,
  type Environment, type SessionFlags,
} from './session.js';

/** A new game; `reuse` is the ui of a game that just asked for a new one (/new). */
export async function play(packRef: string | undefined, flags: SessionFlags, reuse?: Ui): Promise<number> {
  const env = await environment();
  const pack = loadPack(packRef ?? env.config.pack ?? DEFAULT_PACK, env.home);
  const given = parseVars(pack, flags.var);
  const settings = makeSettings(env, flags);
  // One writer per slot: taken before anything is checked or written, let go on every way out.
  const { slot, lock } = flags.slot !== undefined
    ? { slot: checkSlot(flags.slot), lock: await env.store.lock(checkSlot(flags.slot)) }
    : await claimFreshSlot(env.store, () => freshSlotName(pack.manifest.id));
  let ui = reuse;
  try {
    await checkNewSlot(env, slot, `use: promptquest continue ${quoteArg(slot)}`);
    const images = imagesMode(env, flags);
    ui ??= await makeUi(flags, images, env);
    const end = await start(env, pack, settings, slot, given, ui, flags, images);
    lock.release(); // this game is over; /new plays in a slot of its own
    return end === 'new' ? await playAgain(pack, flags, ui) : 0;
  } finally {
    lock.release();
    if (!reuse) ui?.close(); // whatever happened, stdin is let go: a terminal never waits for nobody
  }
}

/** /new: the same pack and settings, a fresh slot, the same ui (so no piped input is lost). */
export function playAgain(pack: Pack, flags: SessionFlags, ui: Ui): Promise<number> {
  return play(pack.dir, { ...flags, slot: undefined }, ui);
}

async function start(env: Environment, pack: Pack, settings: Settings, slot: string, given: Record<string, string>, ui: Ui, flags: SessionFlags, images: ImagesMode): Promise<GameEnd> {
  const narrator = await makeNarrator(env, settings, pack, flags, ui);
  const language = sessionLanguage(env, pack);
  sessionNotices(ui, settings, messages(language));
  const vars = await askVars(pack, given, flags, messages(language));
  const state = initialState(pack.manifest, vars, pack.script?.start ?? null);
  // A pack too large for the model's window is refused now, before a save exists.
  await preflight(narrator, pack, state);
  const header: Header = {
    type: 'header',
    format: FORMAT_VERSION,
    slot,
    pack: { id: pack.manifest.id, version: pack.manifest.version, hash: pack.hash, dir: packDirForSave(pack.dir, pack.manifest.id) },
    provider: settings.provider,
    model: settings.provider === 'offline' ? null : settings.model,
    base_url: settings.provider === 'offline' ? null : recordableBaseURL(settings.baseURL),
    vars: state.vars,
    created: new Date().toISOString(),
    forked_from: null,
  };
  await env.store.create(header);
  const extras = await gameExtras(env, settings, flags, images, slot, ui, messages(language));
  return runGame({ pack, narrator, ui, store: env.store, slot, timeline: emptyTimeline(), initialState: state, prices: env.config.prices, fitChecked: true, language, ...extras });
}

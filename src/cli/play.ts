/** `promptquest play [pack]`: a new game. */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../core/errors.js';
import { checkSlot } from '../core/slot.js';
import { recordableBaseURL } from '../core/settings.js';
import { initialState } from '../core/state.js';
import { emptyTimeline, FORMAT_VERSION, type Header } from '../core/journal.js';
import { loadPack } from '../adapters/pack-loader.js';
import { packDirForSave } from '../adapters/paths.js';
import { withSessionOptions } from './options.js';
import { action } from './run.js';
import {
  askVars, DEFAULT_PACK, environment, freshSlotName, makeNarrator, makeSettings, makeUi, parseVars, runGame, type SessionFlags,
} from './session.js';

const OFFLINE_NOTICE =
  'Playing offline with the authored script. To use a model: set OPENAI_API_KEY, or --base-url for a local server ' +
  '(Ollama http://localhost:11434/v1, llama.cpp, LM Studio, vLLM).';

export async function play(packRef: string | undefined, flags: SessionFlags): Promise<number> {
  const env = environment();
  const pack = loadPack(packRef ?? env.config.pack ?? DEFAULT_PACK, env.home);
  const given = parseVars(pack, flags.var);
  const settings = makeSettings(env, flags);
  const slot = flags.slot !== undefined ? checkSlot(flags.slot) : freshSlotName(pack.manifest.id);
  if (await env.store.exists(slot)) throw new UsageError(`slot "${slot}" already exists; use: promptquest continue ${slot}`);
  const ui = await makeUi(flags);
  const narrator = await makeNarrator(env, settings, pack, flags, ui);
  if (settings.defaultedOffline) ui.notice(OFFLINE_NOTICE);
  if (flags.images === 'generate') ui.notice('Image generation is not available yet; showing the image prompts instead.');
  const vars = await askVars(pack, given, flags);
  const state = initialState(pack.manifest, vars, pack.script?.start ?? null);
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
  return runGame({ pack, narrator, ui, store: env.store, slot, timeline: emptyTimeline(), initialState: state });
}

export function playCommand() {
  return withSessionOptions(
    new Command('play')
      .description('start a new game (pack: a bundled id, a user pack id, or a folder; default: lighthouse)')
      .argument('[pack]', 'pack id or folder'),
  ).action(action((packRef, opts) => play(packRef, opts)));
}

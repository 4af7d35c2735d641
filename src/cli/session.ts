/**
 * Wiring one game session: settings, pack, narrator, ui and save store, then the
 * loop, with Ctrl-C cancelling a request first and quitting second.
 */
import { randomBytes } from 'node:crypto';
import type { Pack } from '../core/pack.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { newSlotName } from '../core/slot.js';
import { resolveSettings, type Settings } from '../core/settings.js';
import type { Header } from '../core/journal.js';
import { homeDir, savesDir } from '../adapters/paths.js';
import { capabilityCache, openConfig, readConfigValues } from '../adapters/config.js';
import { FileSaveStore } from '../adapters/file-store.js';
import { OfflineNarrator } from '../adapters/offline-narrator.js';
import { LineReader } from '../adapters/ui/line-reader.js';
import { PlainUi } from '../adapters/ui/plain-ui.js';
import { JsonUi } from '../adapters/ui/json-ui.js';
import type { Narrator, Ui } from '../engine/ports.js';
import { Game, type GameOptions } from '../engine/game.js';
import { reportError } from './run.js';

export interface SessionFlags {
  provider?: string | undefined;
  model?: string | undefined;
  baseUrl?: string | undefined;
  slot?: string | undefined;
  images?: 'off' | 'prompt' | 'generate' | undefined;
  seed?: number | undefined;
  var?: string[] | undefined;
  json?: boolean | undefined;
  verbose?: boolean | undefined;
}

export const DEFAULT_PACK = 'lighthouse';

export function environment() {
  const home = homeDir();
  const conf = openConfig();
  return { home, conf, config: readConfigValues(conf), store: new FileSaveStore(savesDir(home)) };
}
export type Environment = ReturnType<typeof environment>;

export const interactive = (flags: SessionFlags): boolean => !flags.json && !!process.stdin.isTTY && !!process.stdout.isTTY;

export function makeSettings(env: Environment, flags: SessionFlags, saved?: Header): Settings {
  return resolveSettings({
    flags,
    env: process.env,
    config: env.config,
    saved: saved ? { provider: saved.provider, model: saved.model, base_url: saved.base_url } : undefined,
  });
}

/** The openai SDK and inquirer load only when used: offline and piped play start faster. */
export async function makeNarrator(env: Environment, settings: Settings, pack: Pack, flags: SessionFlags, ui: Ui): Promise<Narrator> {
  if (settings.provider === 'offline') {
    if (!pack.script) throw new UsageError(`pack "${pack.manifest.id}" has no script, so it cannot be played offline; use --provider openai with a model`);
    return new OfflineNarrator();
  }
  const { OpenAINarrator } = await import('../adapters/openai-narrator.js');
  return new OpenAINarrator({
    model: settings.model,
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    seed: flags.seed ?? null,
    cache: capabilityCache(env.conf),
    ...(flags.verbose || process.env.DEBUG?.includes('promptquest') ? { log: (l: string) => ui.notice(`[model] ${l}`) } : {}),
  });
}

export async function makeUi(flags: SessionFlags): Promise<Ui> {
  const images = flags.images ?? 'prompt';
  if (flags.json) return new JsonUi(new LineReader());
  if (interactive(flags)) return new (await import('../adapters/ui/tty-ui.js')).TtyUi({ images });
  return new PlainUi(new LineReader(), { images });
}

/** --var name=value pairs, checked against the pack's declared variables. */
export function parseVars(pack: Pack, pairs: string[] = []): Record<string, string> {
  const known = pack.manifest.variables.map((v) => v.name);
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    if (at < 1) throw new UsageError(`--var "${pair}" should look like name=value`);
    if (!known.includes(name)) throw new UsageError(`pack "${pack.manifest.id}" has no variable "${name}" (it has: ${known.join(', ') || 'none'})`);
    vars[name] = pair.slice(at + 1);
  }
  return vars;
}

/** On a terminal, ask for the variables not given with --var. */
export async function askVars(pack: Pack, given: Record<string, string>, flags: SessionFlags): Promise<Record<string, string>> {
  if (!interactive(flags)) return given;
  const vars = { ...given };
  const { input } = await import('@inquirer/prompts');
  for (const v of pack.manifest.variables) {
    if (vars[v.name] !== undefined) continue;
    try {
      vars[v.name] = (await input({ message: v.prompt, default: v.default })).trim() || v.default;
    } catch {
      throw new InterruptedError('interrupted');
    }
  }
  return vars;
}

export const freshSlotName = (packId: string): string => newSlotName(packId, new Date(), randomBytes(2).toString('hex'));

/** Run the loop; Ctrl-C cancels a request in flight, a second one (or one at the prompt) quits. */
export async function runGame(options: GameOptions): Promise<number> {
  const { ui } = options;
  const game = new Game(options);
  const onSigint = () => {
    if (game.abortTurn()) {
      ui.notice('Cancelling the request… (Ctrl-C again to quit)');
      return;
    }
    reportError(new InterruptedError('interrupted'));
    process.exit(130);
  };
  // conf (through atomically's when-exit) listens for SIGINT and re-raises it to kill the
  // process, which would turn the first Ctrl-C into an exit. During a game Ctrl-C is ours;
  // its cleanup still runs on 'exit', which process.exit(130) emits.
  const others = process.rawListeners('SIGINT') as ((...args: unknown[]) => void)[];
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', onSigint);
  try {
    const end = await game.run();
    ui.notice(`Saved as "${options.slot}". Resume with: promptquest continue ${options.slot}`);
    ui.event('saved', { slot: options.slot, reason: end });
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    for (const listener of others) process.on('SIGINT', listener);
    ui.close();
  }
}

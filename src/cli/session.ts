/**
 * Wiring one game session: settings, pack, narrator, ui and save store, then the
 * loop, with Ctrl-C cancelling a request first and quitting second.
 */
import { randomBytes } from 'node:crypto';
import type { Pack } from '../core/pack.js';
import { InterruptedError, isPromptInterrupt, QuitAfterFailure, UsageError } from '../core/errors.js';
import { newSlotName } from '../core/slot.js';
import { resolveSettings, type ImagesMode, type Settings } from '../core/settings.js';
import { sanitizeText } from '../core/sanitize.js';
import type { Header } from '../core/journal.js';
import { costOf, gameTokens, tokensLine } from '../core/usage.js';
import { homeDir, savesDir } from '../adapters/paths.js';
import { capabilityCache, contextCache, openConfig, readConfigFile, readConfigValues } from '../adapters/config.js';
import { FileSaveStore } from '../adapters/file-store.js';
import { OfflineNarrator } from '../adapters/offline-narrator.js';
import { LineReader } from '../adapters/ui/line-reader.js';
import { PlainUi } from '../adapters/ui/plain-ui.js';
import { JsonUi } from '../adapters/ui/json-ui.js';
import type { Narrator, Ui } from '../engine/ports.js';
import { Game, type GameEnd, type GameOptions } from '../engine/game.js';
import { debugging, maskReports, reportError, useErrorLayout } from './run.js';
import { serverAddress } from '../core/server-address.js';
import { secretMasker } from '../core/secrets.js';
import { wrapBlock } from '../adapters/ui/layout.js';
import { interfaceLanguage, messages, type Messages } from '../core/messages/index.js';
import { quoteArg } from './quote.js';
import { io } from './io.js';

export interface SessionFlags {
  provider?: string | undefined;
  model?: string | undefined;
  baseUrl?: string | undefined;
  slot?: string | undefined;
  images?: 'off' | 'prompt' | 'generate' | undefined;
  seed?: number | undefined;
  /** --context: the model's context window in tokens, for servers that cannot say. */
  context?: number | undefined;
  var?: string[] | undefined;
  json?: boolean | undefined;
  verbose?: boolean | undefined;
  /** --no-status: false hides the status line (commander's negated flag). */
  status?: boolean | undefined;
}

export const DEFAULT_PACK = 'lighthouse';

// A game's error lines (an interrupt's resume command, a model failure) wrap like its notices.
useErrorLayout(wrapBlock);

/**
 * Home, config and saves; config values that are ignored are reported once, here, on stderr.
 * The config file is only read here (conf itself loads when a model's capabilities are cached).
 */
export async function environment() {
  const home = homeDir(io().env);
  const { values, problems } = readConfigValues(readConfigFile(io().env));
  for (const p of problems) io().stderr.write(`${sanitizeText(p)}\n`);
  return { home, config: values, store: new FileSaveStore(savesDir(home)) };
}
export type Environment = Awaited<ReturnType<typeof environment>>;

/** The interface's language for a game of this pack: `config set language`, else the pack's, else LANG (see core/messages). */
export const sessionLanguage = (env: Environment, pack: Pack): string =>
  interfaceLanguage({ configured: env.config.language, pack: pack.manifest.language, env: io().env });

export const interactive = (flags: SessionFlags): boolean => !flags.json && !!io().stdin.isTTY && !!io().stdout.isTTY;

export function makeSettings(env: Environment, flags: SessionFlags, saved?: Header): Settings {
  const settings = resolveSettings({
    flags,
    env: io().env,
    config: env.config,
    saved: saved ? { provider: saved.provider, model: saved.model, base_url: saved.base_url } : undefined,
  });
  // Known before any request: a failure from here on is reported with these masked.
  maskReports(secretMasker([io().env.OPENAI_API_KEY, env.config.api_key, ...(settings.baseURL ? serverAddress(settings.baseURL, settings.apiKey).secrets : [])]));
  return settings;
}

/** The openai SDK and inquirer load only when used: offline and piped play start faster. */
export async function makeNarrator(env: Environment, settings: Settings, pack: Pack, flags: SessionFlags, ui: Ui): Promise<Narrator> {
  if (settings.provider === 'offline') {
    if (!pack.script) throw new UsageError(`pack "${pack.manifest.id}" has no script, so it cannot be played offline; use --provider openai with a model`);
    return new OfflineNarrator();
  }
  const { OpenAINarrator } = await import('../adapters/openai-narrator.js');
  const conf = await openConfig(io().env);
  const m = messages(sessionLanguage(env, pack));
  return new OpenAINarrator({
    model: settings.model,
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    deadlineMs: settings.deadlineMs,
    maxReplyMB: settings.maxReplyMB,
    seed: flags.seed ?? null,
    cache: capabilityCache(conf),
    contextCache: contextCache(conf),
    contextOverride: settings.contextTokens,
    notice: (line: string) => ui.notice(line),
    words: m.window,
    failures: m.failures,
    ...(flags.verbose || debugging() ? { log: (l: string) => ui.notice(`[model] ${l}`) } : {}),
  });
}

/** Images: --images, else `config set images`, else show the prompts. */
export const imagesMode = (env: Environment, flags: SessionFlags): ImagesMode => flags.images ?? env.config.images ?? 'prompt';

/** The status line: --no-status, else `config set status off`, else shown. */
const statusShown = (env: Environment, flags: SessionFlags): boolean => flags.status !== false && env.config.status !== 'off';

export async function makeUi(flags: SessionFlags, images: ImagesMode, env: Environment): Promise<Ui> {
  const { stdin, stdout, stderr } = io();
  if (flags.json) return new JsonUi(new LineReader(stdin), stdout, stderr);
  if (interactive(flags)) return new (await import('../adapters/ui/tty-ui.js')).TtyUi({ images, status: statusShown(env, flags) }, stdout, stderr);
  return new PlainUi(new LineReader(stdin), { images }, stdout, stderr);
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
    const value = pair.slice(at + 1).trim();
    if (!value) throw new UsageError(`--var ${name}= has no value; give one, or leave --var ${name} out to use the default`);
    vars[name] = value;
  }
  return vars;
}

/** On a terminal, ask for the variables not given with --var. */
export async function askVars(pack: Pack, given: Record<string, string>, flags: SessionFlags, m: Messages = messages('en')): Promise<Record<string, string>> {
  if (!interactive(flags)) return given;
  const vars = { ...given };
  const { input } = await import('@inquirer/prompts');
  for (const v of pack.manifest.variables) {
    if (Object.hasOwn(vars, v.name)) continue; // a variable may be called "constructor"
    try {
      vars[v.name] = (await input({ message: v.prompt, default: v.default })).trim() || v.default;
    } catch (err) {
      throw isPromptInterrupt(err) ? new InterruptedError(m.session.interruptedBefore) : err;
    }
  }
  return vars;
}

const interruptedIn = (slot: string, m: Messages) => new InterruptedError(m.session.interrupted(`promptquest continue ${quoteArg(slot)}`));

/** The start-of-game notices play and continue share. */
export function sessionNotices(ui: Ui, settings: Settings, m: Messages = messages('en')): void {
  if (settings.defaultedOffline) ui.notice(m.session.offline);
  if (settings.keyWithheldFrom) ui.notice(m.session.keyWithheld(settings.keyWithheldFrom));
}

export const freshSlotName = (packId: string): string => newSlotName(packId, new Date(), randomBytes(2).toString('hex'));

/**
 * Run the loop; Ctrl-C cancels a request in flight, a second one (or one at the prompt) quits.
 * The caller made the ui and closes it, so a new game after this one ('new') keeps the same ui.
 */
export async function runGame(options: GameOptions): Promise<GameEnd> {
  const { ui } = options;
  const game = new Game(options);
  const { m } = game;
  const onSigint = () => {
    if (game.abortTurn()) {
      ui.notice(m.session.cancelling);
      return;
    }
    ui.close(); // a turn being told is closed first: the line below gets a line of its own
    reportError(interruptedIn(options.slot, m));
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
    // Pictures still on their way belong in the save; the transcript gets its last turn.
    const waiting = game.painter?.waiting ?? 0;
    if (waiting > 0) ui.notice(m.session.waitingForPictures(waiting));
    await Promise.all([game.painter?.drain(), game.transcript?.flush()]);
    const slot = quoteArg(options.slot);
    const t = options.timeline;
    const tokens = gameTokens(t);
    if (tokens.reported > 0) ui.notice(m.session.tokensThisGame(tokensLine(tokens, costOf(tokens, options.narrator.model, options.prices), m)));
    ui.notice(
      game.head?.turn.game_over
        ? m.session.savedFinished(options.slot, `promptquest replay ${slot}`)
        : m.session.savedResume(options.slot, `promptquest continue ${slot}`),
    );
    ui.event('saved', { slot: options.slot, reason: end });
    return end;
  } catch (err) {
    // The player read the failure at the menu and chose to quit: where the game is, not the failure again.
    if (err instanceof QuitAfterFailure) ui.notice(m.session.savedResume(options.slot, `promptquest continue ${quoteArg(options.slot)}`));
    throw err instanceof InterruptedError ? interruptedIn(options.slot, m) : err;
  } finally {
    process.off('SIGINT', onSigint);
    for (const listener of others) process.on('SIGINT', listener);
  }
}

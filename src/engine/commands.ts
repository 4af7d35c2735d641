/** In-game slash commands. Every move (undo, redo, alternative) is a journal event. */
import { alternatives, mainLine } from '../core/journal.js';
import type { Game } from './game.js';
import { addUsage, costOf, gameTokens, NO_TOKENS, tokensLine } from '../core/usage.js';
import { memoryText } from './memory-text.js';
import type { Messages } from '../core/messages/en.js';
import { HELP_COMMANDS } from '../core/messages/types.js';
import { flagLabels } from '../core/status.js';

export type CommandOutcome = 'continue' | 'quit' | 'new';

/** /help: the catalogue's lines, commands in a column. */
export function helpText(m: Messages): string {
  const rows = HELP_COMMANDS.map((c) => `  ${(c === 'alt' ? '/alt [N]' : `/${c}`).padEnd(15)}${m.help.commands[c]}`);
  return [m.help.intro, ...rows].join('\n');
}

const now = () => new Date().toISOString();

async function undo(game: Game): Promise<void> {
  const head = game.head;
  if (!head || head.parent === null) return game.o.ui.notice(game.m.commands.nothingToUndo);
  await game.record({ type: 'undo', to: head.parent, at: now() });
  game.o.ui.event('undo', { to_turn: depth(game) });
  game.show();
}

async function redo(game: Game): Promise<void> {
  const to = game.o.timeline.redo.at(-1);
  if (to === undefined) return game.o.ui.notice(game.m.commands.nothingToRedo);
  await game.record({ type: 'redo', to, at: now() });
  game.o.ui.event('redo', { to_turn: depth(game) });
  game.show();
}

async function retry(game: Game): Promise<void> {
  const head = game.head;
  const parent = head?.parent != null ? game.o.timeline.turns.get(head.parent) : undefined;
  if (!head || !parent || head.input === null) return game.o.ui.notice(game.m.commands.nothingToRetry);
  if (game.o.narrator.provider === 'offline') {
    return game.o.ui.notice(game.m.commands.retryOffline);
  }
  if (await game.tellAgain(head.input, parent)) {
    const alts = game.head ? alternatives(game.o.timeline, game.head.id) : [];
    game.o.ui.notice(game.m.commands.alternative(alts.length, alts.length));
  }
}

async function alt(game: Game, arg: string | undefined): Promise<void> {
  const head = game.head;
  if (!head) return;
  const alts = alternatives(game.o.timeline, head.id);
  if (!arg) {
    const lines = alts.map((a, i) => `${a.id === head.id ? '*' : ' '} ${i + 1}. ${preview(a.turn.narration)}`);
    return game.o.ui.info(`${game.m.commands.alternatives}\n${lines.join('\n')}`);
  }
  const chosen = alts[Number(arg) - 1];
  if (!chosen) return game.o.ui.notice(game.m.commands.noAlternative(arg, alts.length));
  await game.record({ type: 'select', to: chosen.id, at: now() });
  game.show();
}

const PREVIEW_CHARS = 70;

/** The start of a narration on one line, cut at a word boundary with "…" (CJK text, which has no spaces, at a character). */
export function preview(text: string, max = PREVIEW_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?，。、；：！？]+$/u, '')}…`;
}

const depth = (game: Game): number => mainLine(game.o.timeline).length;

function showState(game: Game): void {
  const s = game.head?.state;
  if (!s) return;
  const defs = game.o.pack.manifest.state.stats;
  const { listSeparator: sep, none } = game.m.commands;
  // "Health 3/5" with the pack's label and range where it declares them.
  const stats = Object.entries(s.stats).map(([k, v]) => {
    const def = Object.hasOwn(defs, k) ? defs[k] : undefined;
    return def ? `${def.label ?? k} ${v}/${def.max}` : `${k} ${v}`;
  }).join(sep) || none;
  const flags = flagLabels(game.o.pack, s).join(sep) || none;
  game.o.ui.info(game.m.commands.state({ stats, inventory: s.inventory.join(sep) || none, flags }));
  game.o.ui.event('state', { state: s });
}

async function showMemory(game: Game): Promise<void> {
  const view = await game.memoryView();
  if (!view) return game.o.ui.info(game.m.commands.memoryOffline);
  game.o.ui.info(memoryText(view, game.m));
  game.o.ui.event('memory', { window: view.window, reply_tokens: view.replyTokens, margin: view.margin, ...view.report });
}

function showUsage(game: Game): void {
  const t = game.o.timeline;
  const total = gameTokens(t);
  const last = addUsage(NO_TOKENS, game.head?.usage ?? null);
  const model = game.o.narrator.model;
  const m = game.m;
  if (total.reported === 0) return game.o.ui.info(game.o.narrator.provider === 'offline' ? m.commands.usageOffline : m.commands.usageNone);
  game.o.ui.info(m.commands.usage(tokensLine(last, costOf(last, model, game.o.prices), m), tokensLine(total, costOf(total, model, game.o.prices), m), total.reported));
  game.o.ui.event('usage', { turn: last, game: total, cost: costOf(total, model, game.o.prices) });
}

/** The scene's prompt again, copied where there is a clipboard; its picture's file when it has one. */
async function showImage(game: Game): Promise<void> {
  const head = game.head;
  const prompt = head?.turn.image_prompt ?? null;
  if (!head || prompt === null) return game.o.ui.info(game.m.commands.noImage);
  const picture = game.o.timeline.images.get(head.id);
  game.o.ui.info(picture ? `${prompt}\n${game.m.commands.picture(`${game.o.pictureDir ? `${game.o.pictureDir}/` : ''}${picture.file}`)}` : prompt);
  // A machine without a clipboard (headless, a pipe) is not told anything: there is nothing to fix.
  const copied = game.o.clipboard ? await game.o.clipboard(prompt).catch(() => false) : false;
  if (copied) game.o.ui.notice(game.m.commands.copied);
  game.o.ui.event('image_prompt', { prompt, copied, file: picture?.file ?? null });
}

async function transcript(game: Game, arg: string | undefined): Promise<void> {
  const t = game.transcript;
  // The words as /help shows them in either language.
  const said = arg?.toLowerCase();
  const word = said === '开' || said === '开启' ? 'on' : said === '关' || said === '关闭' ? 'off' : said;
  const m = game.m.commands;
  if (!t) return game.o.ui.notice(m.transcriptUnavailable);
  if (word === 'off') {
    if (!t.active) return game.o.ui.notice(m.transcriptAlreadyOff);
    t.stop();
    await t.flush();
    return game.o.ui.notice(m.transcriptOff);
  }
  if (word !== 'on') return game.o.ui.notice(m.transcriptUsage(t.active));
  if (t.active) return game.o.ui.notice(m.transcriptAlreadyOn);
  try {
    game.o.ui.notice(m.transcriptOn(await t.start(game.head)));
  } catch (err) {
    game.o.ui.notice(m.transcriptFailed((err as NodeJS.ErrnoException).code ?? 'error'));
  }
}

export async function runCommand(game: Game, line: string): Promise<CommandOutcome> {
  const [name, arg] = line.slice(1).trim().split(/\s+/);
  switch (name?.toLowerCase()) {
    case 'quit': case 'exit': case 'q': return 'quit';
    case 'new': return (await (game.o.ui.confirm?.(game.m.turn.newGame) ?? true)) ? 'new' : 'continue';
    case 'continue': await game.continueStory(line.slice(1).trim().slice(name?.length ?? 0).trim() || null); break;
    case 'help': case '?': game.o.ui.info(helpText(game.m)); break;
    case 'save':
      game.o.ui.notice(game.m.commands.saved(game.o.slot, game.o.store.describe(game.o.slot)));
      game.o.ui.event('saved', { slot: game.o.slot });
      break;
    case 'state': showState(game); break;
    case 'image': await showImage(game); break;
    case 'transcript': await transcript(game, arg); break;
    case 'memory': await showMemory(game); break;
    case 'usage': showUsage(game); break;
    case 'undo': await undo(game); break;
    case 'redo': await redo(game); break;
    case 'retry': await retry(game); break;
    case 'alt': await alt(game, arg); break;
    default: game.o.ui.notice(game.m.commands.unknown(name ?? ''));
  }
  return 'continue';
}

/** In-game slash commands. Every move (undo, redo, alternative) is a journal event. */
import { alternatives, mainLine } from '../core/journal.js';
import type { Game } from './game.js';
import { addUsage, costOf, journalTokens, NO_TOKENS, tokensLine } from '../core/usage.js';
import { memoryText } from './memory-text.js';
import { flagLabels } from '../core/status.js';
import { gameMessages } from './game-messages.js';

export type CommandOutcome = 'continue' | 'quit' | 'new';

export const HELP = [
  'Type a choice number, or anything you want to do. Commands:',
  '  /undo          take back the last turn (repeatable)',
  '  /redo          play an undone turn again',
  '  /retry         ask the narrator again for the same input (keeps the alternatives)',
  '  /alt [N]       list the alternatives of this turn, or switch to number N',
  '  /state         show stats, inventory and flags',
  '  /image         show the image prompt of this scene (English, for Midjourney)',
  '  /memory        what the model is sent now, block by block, with token counts',
  '  /usage         tokens used this turn and in the whole game (and the cost, with prices in config)',
  '  /save          tell where the game is saved (every turn is saved as it happens)',
  '  /help          this help',
  '  /continue [..] after an ending: the story goes on (an epilogue; what you type after it is what you do)',
  '  /new           leave this game (it stays saved) and start a new one of the same pack (asks first)',
  '  /quit          save and leave (resume with: promptquest continue)',
].join('\n');

const now = () => new Date().toISOString();

async function undo(game: Game): Promise<void> {
  const head = game.head;
  if (!head || head.parent === null) return game.o.ui.notice('Nothing to undo: this is the opening.');
  await game.record({ type: 'undo', to: head.parent, at: now() });
  game.o.ui.event('undo', { to_turn: depth(game) });
  game.show();
}

async function redo(game: Game): Promise<void> {
  const to = game.o.timeline.redo.at(-1);
  if (to === undefined) return game.o.ui.notice('Nothing to redo.');
  await game.record({ type: 'redo', to, at: now() });
  game.o.ui.event('redo', { to_turn: depth(game) });
  game.show();
}

async function retry(game: Game): Promise<void> {
  const head = game.head;
  const parent = head?.parent != null ? game.o.timeline.turns.get(head.parent) : undefined;
  if (!head || !parent || head.input === null) return game.o.ui.notice('Nothing to retry: this is the opening.');
  if (game.o.narrator.provider === 'offline') {
    return game.o.ui.notice('Offline, the authored script tells every turn the same way, so there is nothing to retry; /undo lets you choose differently.');
  }
  if (await game.play(head.input, parent)) {
    const alts = game.head ? alternatives(game.o.timeline, game.head.id) : [];
    game.o.ui.notice(`Alternative ${alts.length} of ${alts.length} (/alt to browse).`);
  }
}

async function alt(game: Game, arg: string | undefined): Promise<void> {
  const head = game.head;
  if (!head) return;
  const alts = alternatives(game.o.timeline, head.id);
  if (!arg) {
    const lines = alts.map((a, i) => `${a.id === head.id ? '*' : ' '} ${i + 1}. ${preview(a.turn.narration)}`);
    return game.o.ui.info(`Alternatives of this turn:\n${lines.join('\n')}`);
  }
  const chosen = alts[Number(arg) - 1];
  if (!chosen) return game.o.ui.notice(`No alternative ${arg}: there are ${alts.length}.`);
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
  // "Health 3/5" with the pack's label and range where it declares them.
  const stats = Object.entries(s.stats).map(([k, v]) => {
    const def = Object.hasOwn(defs, k) ? defs[k] : undefined;
    return def ? `${def.label ?? k} ${v}/${def.max}` : `${k} ${v}`;
  }).join(', ') || '—';
  const flags = flagLabels(game.o.pack, s).join(', ') || '—';
  game.o.ui.info(`Stats: ${stats}\nInventory: ${s.inventory.join(', ') || '—'}\nFlags: ${flags}`);
  game.o.ui.event('state', { state: s });
}

async function showMemory(game: Game): Promise<void> {
  const view = await game.memoryView();
  if (!view) return game.o.ui.info('Offline, the authored script tells the story: no model is sent anything.');
  game.o.ui.info(memoryText(view));
  game.o.ui.event('memory', { window: view.window, reply_tokens: view.replyTokens, margin: view.margin, ...view.report });
}

function showUsage(game: Game): void {
  const t = game.o.timeline;
  const events = [...t.turns.values(), ...t.summaries.values()];
  const total = journalTokens(events);
  const last = addUsage(NO_TOKENS, game.head?.usage ?? null);
  const model = game.o.narrator.model;
  if (total.reported === 0) return game.o.ui.info(game.o.narrator.provider === 'offline' ? 'Offline: no tokens are used.' : 'The server has not reported any token usage yet.');
  game.o.ui.info(`This turn: ${tokensLine(last, costOf(last, model, game.o.prices))}\nThis game: ${tokensLine(total, costOf(total, model, game.o.prices))} over ${total.reported === 1 ? '1 turn' : `${total.reported} turns and summaries`}`);
  game.o.ui.event('usage', { turn: last, game: total, cost: costOf(total, model, game.o.prices) });
}

export async function runCommand(game: Game, line: string): Promise<CommandOutcome> {
  const [name, arg] = line.slice(1).trim().split(/\s+/);
  switch (name?.toLowerCase()) {
    case 'quit': case 'exit': case 'q': return 'quit';
    case 'new': return (await (game.o.ui.confirm?.(gameMessages(game.o.pack.manifest.language).newGame) ?? true)) ? 'new' : 'continue';
    case 'continue': await game.continueStory(line.slice(1).trim().slice(name?.length ?? 0).trim() || null); break;
    case 'help': case '?': game.o.ui.info(HELP); break;
    case 'save':
      game.o.ui.notice(`Saved as "${game.o.slot}" (${game.o.store.describe(game.o.slot)}).`);
      game.o.ui.event('saved', { slot: game.o.slot });
      break;
    case 'state': showState(game); break;
    case 'image': game.o.ui.info(game.head?.turn.image_prompt ?? 'No image prompt for this scene.'); break;
    case 'memory': await showMemory(game); break;
    case 'usage': showUsage(game); break;
    case 'undo': await undo(game); break;
    case 'redo': await redo(game); break;
    case 'retry': await retry(game); break;
    case 'alt': await alt(game, arg); break;
    default: game.o.ui.notice(`Unknown command "/${name ?? ''}". Type /help for the list.`);
  }
  return 'continue';
}

/** In-game slash commands. Every move (undo, redo, alternative) is a journal event. */
import { alternatives, mainLine } from '../core/journal.js';
import type { Game } from './game.js';
import { addUsage, costOf, journalTokens, NO_TOKENS, tokensLine } from '../core/usage.js';
import { memoryText } from './memory-text.js';

export type CommandOutcome = 'continue' | 'quit' | 'new';

export const HELP = [
  'Type a choice number, or anything you want to do. Commands:',
  '  /undo          take back the last turn (repeatable)',
  '  /redo          play an undone turn again',
  '  /retry         ask the narrator again for the same input (keeps the alternatives)',
  '  /alt [N]       list the alternatives of this turn, or switch to number N',
  '  /state         show stats, inventory and flags',
  '  /image         show the image prompt of this scene again (English) and copy it to the clipboard',
  '  /memory        what the model is sent now, block by block, with token counts',
  '  /usage         tokens used this turn and in the whole game (and the cost, with prices in config)',
  '  /save          tell where the game is saved (every turn is saved as it happens)',
  '  /transcript on|off   write a plain-text transcript of the game as you play',
  '  /help          this help',
  '  /new           leave this game (it stays saved) and start a new one of the same pack',
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
    const lines = alts.map((a, i) => `${a.id === head.id ? '*' : ' '} ${i + 1}. ${a.turn.narration.slice(0, 70).replace(/\n/g, ' ')}`);
    return game.o.ui.info(`Alternatives of this turn:\n${lines.join('\n')}`);
  }
  const chosen = alts[Number(arg) - 1];
  if (!chosen) return game.o.ui.notice(`No alternative ${arg}: there are ${alts.length}.`);
  await game.record({ type: 'select', to: chosen.id, at: now() });
  game.show();
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
  const flags = Object.entries(s.flags).filter(([, v]) => v).map(([k]) => k).join(', ') || '—';
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

/** The scene's prompt again, copied where there is a clipboard; its picture's file when it has one. */
async function showImage(game: Game): Promise<void> {
  const head = game.head;
  const prompt = head?.turn.image_prompt ?? null;
  if (!head || prompt === null) return game.o.ui.info('No image prompt for this scene.');
  const picture = game.o.timeline.images.get(head.id);
  game.o.ui.info(picture ? `${prompt}\nPicture: ${game.o.pictureDir ? `${game.o.pictureDir}/` : ''}${picture.file}` : prompt);
  // A machine without a clipboard (headless, a pipe) is not told anything: there is nothing to fix.
  const copied = game.o.clipboard ? await game.o.clipboard(prompt).catch(() => false) : false;
  if (copied) game.o.ui.notice('(copied to the clipboard)');
  game.o.ui.event('image_prompt', { prompt, copied, file: picture?.file ?? null });
}

async function transcript(game: Game, arg: string | undefined): Promise<void> {
  const t = game.transcript;
  const word = arg?.toLowerCase();
  if (!t) return game.o.ui.notice('No transcript can be written in this game.');
  if (word === 'off') {
    if (!t.active) return game.o.ui.notice('The transcript is already off.');
    t.stop();
    await t.flush();
    return game.o.ui.notice('Transcript off.');
  }
  if (word !== 'on') return game.o.ui.notice(`The transcript is ${t.active ? 'on' : 'off'}: type /transcript on or /transcript off.`);
  if (t.active) return game.o.ui.notice('The transcript is already on.');
  try {
    game.o.ui.notice(`Transcript on: ${await t.start(game.head)}`);
  } catch (err) {
    game.o.ui.notice(`The transcript could not be started (${(err as NodeJS.ErrnoException).code ?? 'error'}); the game goes on.`);
  }
}

export async function runCommand(game: Game, line: string): Promise<CommandOutcome> {
  const [name, arg] = line.slice(1).trim().split(/\s+/);
  switch (name?.toLowerCase()) {
    case 'quit': case 'exit': case 'q': return 'quit';
    case 'new': return 'new';
    case 'help': case '?': game.o.ui.info(HELP); break;
    case 'save':
      game.o.ui.notice(`Saved as "${game.o.slot}" (${game.o.store.describe(game.o.slot)}).`);
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
    default: game.o.ui.notice(`Unknown command "/${name ?? ''}". Type /help for the list.`);
  }
  return 'continue';
}

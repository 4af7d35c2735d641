/**
 * `promptquest replay <slot>`: re-show the main line of a saved game from its journal.
 * Never calls a model. A gentle typewriter on a terminal (any key shows the rest at
 * once), instant into a pipe or with --instant; --json prints play's turn events.
 */
import chalk from 'chalk';
import { join } from 'node:path';
import { fold, IMAGE_FILE, mainLine, type Timeline, type TurnEvent } from '../core/journal.js';
import { page, playerLine } from '../core/storybook.js';
import { uiStrings } from '../adapters/ui/strings.js';
import { turnEventData } from '../adapters/ui/json-ui.js';
import { readingWidth, renderHeading, renderTail, renderTurn, type RenderOptions } from '../adapters/ui/render.js';
import { wrapText } from '../adapters/ui/width.js';
import { atSpeed, Typewriter } from '../adapters/ui/typewriter.js';
import { readConfigFile, readConfigValues } from '../adapters/config.js';
import type { TurnView } from '../engine/ports.js';
import { findSave, packLanguageOf } from './saved-games.js';
import { quoteArg } from './quote.js';
import { io } from './io.js';
import { interfaceLanguage, messages, type Messages } from '../core/messages/index.js';

interface ReplayFlags {
  instant?: boolean | undefined;
  /** Typing speed: --speed, else `config set speed`, else 1. */
  speed?: number | undefined;
  json?: boolean | undefined;
}

const view = (e: TurnEvent, i: number): TurnView => ({ n: i + 1, turn: e.turn, state: e.state, usage: e.usage });

/**
 * What the player said, as the storybook shows it: a picked choice as "2. text", typed words as
 * typed. Not `said`, the line the model was sent, where a riddle's answer is a placeholder.
 */
type WordsOf = (e: TurnEvent) => string | null;
const wordsIn = (t: Timeline): WordsOf => (e) => playerLine(page(t, e, {}));
const write = (text: string) => io().stdout.write(text);

function printJson(line: TurnEvent[], words: WordsOf): void {
  line.forEach((e, i) => {
    const said = words(e);
    if (said !== null) write(`${JSON.stringify({ type: 'input', turn: i + 1, text: said })}\n`);
    write(`${JSON.stringify({ type: 'turn', ...turnEventData(view(e, i)) })}\n`);
  });
}

/** The saved picture of a turn, where the game made one: shown by its path, never made again. */
type PictureOf = (e: TurnEvent) => string | null;
const pictureLine = (path: string | null): string => (path ? `${chalk.dim(`🖼  ${path}`)}\n\n` : '');

/** The same text a game shows in a pipe: each turn, with the player's words in between. */
function printInstant(line: TurnEvent[], render: RenderOptions, picture: PictureOf, words: WordsOf): void {
  line.forEach((e, i) => {
    const said = words(e);
    if (said !== null) write(`> ${said}\n\n`);
    write(`${renderTurn(view(e, i), render)}\n\n${pictureLine(picture(e))}`);
  });
}

/** Any key skips to the end; Ctrl-C (a key too, in raw mode) interrupts. */
function listenForKeys(tw: Typewriter): { interrupted: () => boolean; stop: () => void } {
  const stdin = io().stdin;
  let interrupted = false;
  if (!stdin.isTTY) return { interrupted: () => false, stop: () => undefined };
  const onData = (d: Buffer) => {
    if (d.includes(0x03)) interrupted = true;
    tw.skip();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData).resume();
  return {
    interrupted: () => interrupted,
    stop: () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

/** Types the main line out; false when the reader pressed Ctrl-C. */
async function printTyped(line: TurnEvent[], render: RenderOptions, picture: PictureOf, speed: number, words: WordsOf, m: Messages): Promise<boolean> {
  const tw = new Typewriter(io().stdout, atSpeed(speed));
  const keys = listenForKeys(tw);
  if (io().stdin.isTTY) io().stderr.write(chalk.dim(`${m.replay.anyKey}\n`));
  try {
    for (const [i, e] of line.entries()) {
      const said = words(e);
      if (said !== null) {
        await tw.pause(500 / speed);
        write(chalk.bold('> '));
        await tw.type(said);
        write('\n');
        await tw.pause(400 / speed);
      }
      if (keys.interrupted()) return false;
      write(`\n${renderHeading(i + 1, render.strings)}\n\n`);
      const width = readingWidth(io().stdout.columns);
      await tw.type(wrapText(e.turn.narration, width));
      const tail = renderTail(view(e, i), { ...render, width });
      write(tail ? `\n\n${tail}\n\n` : '\n\n');
      write(pictureLine(picture(e)));
    }
    return !keys.interrupted();
  } finally {
    keys.stop();
  }
}


export async function replay(slotArg: string, flags: ReplayFlags): Promise<number> {
  const { store, slot, sample } = await findSave(slotArg);
  const save = await store.load(slot);
  for (const w of save.warnings) io().stderr.write(`${w}\n`);
  const timeline = fold(save.events);
  const line = mainLine(timeline); // the store hands out terminal-safe text
  const picture: PictureOf = (e) => {
    const file = timeline.images.get(e.id)?.file;
    return file && IMAGE_FILE.test(file) ? join(store.dir, file) : null;
  };
  if (flags.json) {
    printJson(line, wordsIn(timeline));
    return 0;
  }
  const { pack } = save.header;
  // The game's own words in its interface language: `config set language`, else the pack's.
  const config = readConfigValues(readConfigFile(io().env)).values;
  const language = interfaceLanguage({ configured: config.language, pack: packLanguageOf(save.header), env: io().env });
  const m = messages(language);
  write(`${chalk.dim(m.replay.title(slot, sample, `${pack.id} ${pack.version}`, line.length))}\n\n`);
  const render: RenderOptions = { images: 'prompt', strings: uiStrings(language) };
  const words = wordsIn(timeline);
  if (flags.instant || !io().stdout.isTTY) printInstant(line, render, picture, words);
  else if (!(await printTyped(line, render, picture, flags.speed ?? config.speed ?? 1, words, m))) {
    io().stderr.write(`\n${m.replay.interrupted}\n`);
    return 130;
  }
  io().stderr.write(`${sample ? m.replay.endSample(`promptquest play ${pack.id}`) : m.replay.endSave(`promptquest continue ${quoteArg(slot)}`)}\n`);
  return 0;
}

/**
 * The interactive terminal: an inquirer menu of the choices (arrows or number
 * keys), an entry to type free text or a /command, and narration streamed as the
 * model writes it. Everything goes out through one Screen, which knows every row it
 * wrote: the turn being told is redrawn with the messages that came meanwhile, never
 * over them.
 */
import { select } from '@inquirer/prompts';
import { actionPrompt, MAX_INPUT } from './action-prompt.js';
import chalk from 'chalk';
import type { NarratorInfo, StateChangeView, StatusView, TurnView, Ui, VerdictView } from '../../engine/ports.js';
import { sanitizeText } from '../../core/sanitize.js';
import { InterruptedError, isPromptInterrupt } from '../../core/errors.js';
import { readingWidth, renderHeading, renderTail, verdictText, type RenderOptions } from './render.js';
import { displayWidth, Wrapper, wrapText } from './width.js';
import { wrapBlock } from './layout.js';
import type { UiStrings } from './strings.js';
import { Screen } from './screen.js';
import { messages, type Messages } from '../../core/messages/index.js';
import { InputHold } from './input-hold.js';

function interrupted(err: unknown): never {
  if (isPromptInterrupt(err)) throw new InterruptedError();
  throw err;
}

export interface TtyOptions extends RenderOptions {
  /** The status line before each prompt (config `status`, `--no-status`). */
  status?: boolean;
}

/** The turn being narrated: its number, the messages shown meanwhile, what has streamed. */
interface Pending {
  n: number;
  messages: string[];
  streamed: string;
  wrapper: Wrapper | null;
  /** The heading scrolled out of reach (see notice): redraws start below it. */
  continued?: boolean;
}

/** Lay parts out as "a · b · c" lines no wider than `width`, breaking between parts. */
export function statusLines(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts.map((p) => sanitizeText(p))) {
    const next = line ? `${line} · ${part}` : part;
    if (displayWidth(next) <= width || !line) line = next;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line) lines.push(line);
  return lines.flatMap((l) => wrapText(l, width).split('\n'));
}

export class TtyUi implements Ui {
  private pending: Pending | null = null;
  /** The catalogue in the game's language (English until the game begins). */
  private m: Messages = messages('en');
  private readonly screen: Screen;
  private readonly hold = new InputHold();
  /** What was typed at earlier prompts, for Up/Down. */
  private readonly history: string[] = [];
  /** The status to show at the next prompt (once per turn shown). */
  private statusView: StatusView | null = null;

  constructor(private readonly o: TtyOptions, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr) {
    this.screen = new Screen(out, err);
  }

  /** The interface's words (headings, outcomes, menus). */
  private get strings(): UiStrings {
    return this.m.ui;
  }

  /** The terminal's own words (status line, change line, banner, the menus after an ending or a failure). */
  private get words(): Messages['terminal'] {
    return this.m.terminal;
  }

  begin({ title, language }: { title: string; language: string }): void {
    this.m = messages(language);
    this.screen.write(`\n${chalk.bold(sanitizeText(title))}\n`);
  }

  banner(info: NarratorInfo): void {
    this.screen.write(`${chalk.dim(this.fit(this.words.banner(info)))}\n`);
  }

  private get width(): number {
    return readingWidth(this.screen.columns);
  }

  /** Wrapped to the width between words, a quoted name (a slot, a command) never split. */
  private fit(text: string): string {
    return wrapBlock(sanitizeText(text), this.width);
  }

  private get render(): RenderOptions {
    return { ...this.o, width: this.width, listChoices: false, strings: this.strings };
  }

  /** Heading and a waiting mark at once, so a slow model never leaves a blank screen. */
  beginTurn(n: number): void {
    this.hold.start(); // keys typed from now on wait for the prompt
    this.pending = { n, messages: [], streamed: '', wrapper: null };
    this.screen.mark();
    this.drawPending();
  }

  /** The turn in progress from its mark: heading, the messages so far, then the text or the waiting mark. */
  private drawPending(): void {
    const p = this.pending;
    if (!p) return;
    const messages = p.messages.map((m) => `${m}\n`).join('');
    this.screen.write(`${p.continued ? '' : `\n${renderHeading(p.n, this.strings)}\n\n`}${messages}`);
    if (p.wrapper) {
      p.wrapper = new Wrapper(this.width);
      this.screen.write(p.wrapper.push(p.streamed));
    } else this.screen.write(chalk.dim('…'));
  }

  onText = (delta: string): void => {
    const p = this.pending;
    if (!p) return;
    if (!p.wrapper) {
      p.wrapper = new Wrapper(this.width);
      this.screen.write('\r\x1b[K'); // the waiting mark gives way to the text
    }
    const clean = sanitizeText(delta);
    p.streamed += clean;
    this.screen.write(p.wrapper.push(clean));
  };

  /** A stream that died is asked again from scratch: what it showed goes, the messages stay. */
  onRestart = (): void => {
    const p = this.pending;
    if (!p?.wrapper) return;
    p.streamed = '';
    p.wrapper = null;
    this.screen.wipe();
    this.drawPending();
  };

  /** The turn was not told (cancelled, declined, failed): its heading goes, its messages stay. */
  private closePending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.screen.wipe();
    this.screen.unmark();
    for (const m of p.messages) this.screen.write(`${m}\n`);
  }

  showTurn(view: TurnView): void {
    const p = this.pending;
    const tail = renderTail(view, this.render);
    const after = tail ? `\n\n${tail}\n\n` : '\n\n';
    // Already streamed word for word: only what follows the narration is new.
    if (p?.wrapper && p.n === view.n && p.streamed.trim() === view.turn.narration.trim()) {
      this.screen.write(`${p.wrapper.end()}${after}`);
    } else {
      if (p) this.screen.wipe();
      const messages = (p?.messages ?? []).map((m) => `${m}\n`).join('');
      this.screen.lineStart();
      this.screen.write(`\n${renderHeading(view.n, this.strings)}\n\n${messages}${wrapText(view.turn.narration, this.width)}${after}`);
    }
    this.pending = null;
    this.screen.unmark();
  }

  changes(c: StateChangeView): void {
    this.screen.write(`${chalk.cyan(statusLines(this.words.change(c), this.width).join('\n'))}\n\n`);
  }

  status(view: StatusView): void {
    this.statusView = view;
  }

  /** The status line, once per turn shown, right above the prompt. */
  private drawStatus(): void {
    const view = this.statusView;
    this.statusView = null;
    if (!view || this.o.status === false) return;
    const lines = statusLines(this.words.status(view), this.screen.columns - 3); // a space each side
    this.screen.write(`${lines.map((l) => chalk.inverse(` ${l} `)).join('\n')}\n`);
  }

  /** Before any prompt: the turn in progress is closed, held keys go to the prompt, the screen is ours again after it. */
  private async prompt<T>(ask: () => Promise<T>): Promise<T> {
    this.closePending();
    this.screen.lineStart();
    try {
      const answer = ask();
      this.hold.handOver();
      return await answer;
    } catch (err) {
      return interrupted(err);
    } finally {
      this.screen.reset();
    }
  }

  async ask(choices: string[], ended: boolean): Promise<string | null> {
    this.closePending();
    this.drawStatus();
    if (ended) return this.askAtEnding();
    const s = this.strings;
    return this.prompt(() => actionPrompt({ message: s.whatDoYouDo, choices: choices.map((c) => sanitizeText(c)), hint: wrapText(s.hint, this.width), ...this.lineOptions() }));
  }

  private lineOptions() {
    return { history: this.history, maxLength: MAX_INPUT, tooLong: this.words.tooLong(MAX_INPUT), width: this.width };
  }

  /** After an ending: go on, leave, undo, or a new game; typed text is what the player does next in the story. */
  private async askAtEnding(): Promise<string> {
    const s = this.strings;
    const w = this.words;
    const menu = [
      { name: w.continueStory, value: '/continue' },
      { name: s.leave, value: '/quit' },
      { name: s.undo, value: '/undo' },
      { name: s.newGame, value: '/new' },
    ];
    for (;;) {
      const answer = await this.prompt(() => actionPrompt({ message: s.ended, choices: menu.map((m) => m.name), hint: wrapText(w.endedHint, this.width), ...this.lineOptions() }));
      const n = /^\s*(\d{1,2})\s*$/.exec(answer)?.[1];
      if (n === undefined) return answer.startsWith('/') ? answer : `/continue ${answer}`;
      const item = menu[Number(n) - 1];
      if (item) return item.value;
      // A number the menu does not have is a slip, not a wish to leave: said so, and asked again.
      this.notice(this.m.input.noChoice(Number(n), menu.length));
    }
  }

  /** inquirer's own "↑↓ navigate • ⏎ select" is English whatever the game speaks. */
  private get menuTheme() {
    return { style: { keysHelpTip: () => chalk.dim(wrapText(this.strings.menuKeys, this.width)) } };
  }

  async confirm(question: string): Promise<boolean> {
    const w = this.words;
    return this.prompt(() => select({ message: sanitizeText(question), choices: [{ name: w.no, value: false }, { name: w.yes, value: true }], theme: this.menuTheme }));
  }

  async offerRetry(problem: string): Promise<boolean> {
    this.closePending();
    this.screen.lineStart();
    this.screen.writeErr(`${chalk.red(this.fit(problem))}\n`);
    const w = this.words;
    return this.prompt(() => select({ message: sanitizeText(this.strings.whatDoYouDo), choices: [{ name: w.retry, value: true }, { name: w.quit, value: false }], theme: this.menuTheme }));
  }

  notice(text: string): void {
    const line = chalk.yellow(this.fit(text));
    const p = this.pending;
    if (!p) {
      this.screen.lineStart();
      this.screen.writeErr(`${line}\n`);
      return;
    }
    if (!this.screen.markOnScreen) {
      // The turn has scrolled past the top: it cannot be redrawn, so what is there stays, the
      // message goes below it on a line of its own, and the turn goes on from a new mark.
      this.screen.lineStart();
      this.screen.write(`${line}\n`);
      this.screen.mark();
      if (p.wrapper) p.wrapper = new Wrapper(this.width);
      p.streamed = '';
      p.continued = true;
      return;
    }
    // During a turn: redrawn with the turn, so the prompt's redraw can never take it away.
    p.messages.push(line);
    this.screen.wipe();
    this.drawPending();
  }

  /** The engine's line, green or red, on stdout with the story (it is part of what happened). */
  verdict(v: VerdictView): void {
    this.screen.write(`${verdictText(v)}\n\n`);
  }

  info(text: string): void {
    this.screen.lineStart();
    this.screen.write(`${this.fit(text)}\n\n`);
  }

  event(): void {}

  /** A fatal error follows: it gets a line of its own, and the terminal is given back. */
  close(): void {
    this.closePending();
    this.screen.lineStart();
    this.hold.release(); // keys typed into a game that is over are dropped
  }
}

/**
 * The interactive terminal: an inquirer menu of the choices (arrows or number
 * keys), an entry to type free text or a /command, and narration streamed as the
 * model writes it.
 */
import { select } from '@inquirer/prompts';
import { actionPrompt } from './action-prompt.js';
import chalk from 'chalk';
import type { TurnView, Ui, VerdictView } from '../../engine/ports.js';
import { sanitizeText } from '../../core/sanitize.js';
import { InterruptedError, isPromptInterrupt } from '../../core/errors.js';
import { readingWidth, renderHeading, renderTail, renderTurn, verdictText, type RenderOptions } from './render.js';
import { Wrapper, wrapText } from './width.js';
import { uiStrings, type UiStrings } from './strings.js';



function interrupted(err: unknown): never {
  if (isPromptInterrupt(err)) throw new InterruptedError();
  throw err;
}

/** The turn being narrated: its number, and what has been streamed of it and how it was wrapped. */
interface Pending {
  n: number;
  streamed: string;
  wrapper: Wrapper | null;
}

export class TtyUi implements Ui {
  private pending: Pending | null = null;

  private strings: UiStrings = uiStrings(undefined);

  constructor(
    private readonly o: RenderOptions,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  begin({ title, language }: { title: string; language: string }): void {
    this.strings = uiStrings(language);
    this.out.write(`\n${chalk.bold(sanitizeText(title))}\n`);
  }

  private get render(): RenderOptions {
    return { ...this.o, width: readingWidth(this.out.columns), listChoices: false, strings: this.strings };
  }

  /** Heading and a waiting mark at once, so a slow model never leaves a blank screen. */
  beginTurn(n: number): void {
    this.pending = { n, streamed: '', wrapper: null };
    this.out.write(`\n${renderHeading(n, this.strings)}\n\n${chalk.dim('…')}`);
  }

  onText = (delta: string): void => {
    const p = this.pending;
    if (!p) return;
    if (!p.wrapper) {
      p.wrapper = new Wrapper(readingWidth(this.out.columns));
      this.out.write('\r\x1b[K'); // the waiting mark gives way to the text
    }
    const clean = sanitizeText(delta);
    p.streamed += clean;
    this.out.write(p.wrapper.push(clean));
  };

  /** A stream that died is asked again from scratch: wipe what it showed, never show it twice. */
  onRestart = (): void => {
    const p = this.pending;
    if (!p?.wrapper) return;
    // Our own cursor moves (not model text): back to the first streamed row, clear below.
    const up = p.wrapper.rows - 1;
    this.out.write(`${up > 0 ? `\x1b[${up}F` : '\r'}\x1b[J${chalk.dim('…')}`);
    p.streamed = '';
    p.wrapper = null;
  };

  /** Remove the heading and whatever followed it, back to where beginTurn started. */
  private wipePending(): void {
    const p = this.pending;
    if (!p) return;
    const rows = p.wrapper?.rows ?? 1;
    this.out.write(`\r\x1b[${rows + 2}F\x1b[J`);
    this.pending = null;
  }

  showTurn(view: TurnView): void {
    const p = this.pending;
    // Already streamed word for word: only what follows the narration is new.
    if (p?.wrapper && p.n === view.n && p.streamed.trim() === view.turn.narration.trim()) {
      const tail = renderTail(view, this.render);
      this.out.write(`${p.wrapper.end()}\n\n${tail ? `${tail}\n\n` : ''}`);
      this.pending = null;
      return;
    }
    this.wipePending();
    this.out.write(`\n${renderTurn(view, this.render)}\n\n`);
  }

  async ask(choices: string[], ended: boolean): Promise<string | null> {
    // A turn that was cancelled or failed leaves no heading or waiting mark behind.
    this.wipePending();
    try {
      if (ended) {
        return await select({
          message: this.strings.ended,
          choices: [
            { name: this.strings.leave, value: '/quit' },
            { name: this.strings.undo, value: '/undo' },
            { name: this.strings.newGame, value: '/new' },
          ],
        });
      }
      return await actionPrompt({ message: this.strings.whatDoYouDo, choices: choices.map((c) => sanitizeText(c)), hint: this.strings.hint });
    } catch (err) {
      return interrupted(err);
    }
  }

  notice(text: string): void {
    this.err.write(`${chalk.yellow(wrapText(sanitizeText(text), readingWidth(this.out.columns)))}\n`);
  }

  /** The engine's line, green or red, on stdout with the story (it is part of what happened). */
  verdict(v: VerdictView): void {
    this.out.write(`${verdictText(v)}\n\n`);
  }

  info(text: string): void {
    this.out.write(`${wrapText(sanitizeText(text), readingWidth(this.out.columns))}\n\n`);
  }

  event(): void {}

  close(): void {}

}

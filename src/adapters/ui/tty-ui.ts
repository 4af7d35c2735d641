/**
 * The interactive terminal: an inquirer menu of the choices (arrows or number
 * keys), an entry to type free text or a /command, and narration streamed as the
 * model writes it.
 */
import { input, select, Separator } from '@inquirer/prompts';
import chalk from 'chalk';
import type { TurnView, Ui } from '../../engine/ports.js';
import { sanitizeText } from '../../core/sanitize.js';
import { InterruptedError } from '../../core/errors.js';
import { readingWidth, renderHeading, renderTail, renderTurn, type RenderOptions } from './render.js';
import { Wrapper } from './width.js';


const FREE_TEXT = '\u0000free';

function interrupted(err: unknown): never {
  if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) throw new InterruptedError('interrupted');
  throw err;
}

export class TtyUi implements Ui {
  /** The turn being streamed: its raw narration so far and how it was wrapped on screen. */
  private streamed = '';
  private wrapper: Wrapper | null = null;
  private lastTurn = 0;

  constructor(private readonly o: RenderOptions, private readonly out: NodeJS.WriteStream = process.stdout) {}

  private get render(): RenderOptions {
    return { ...this.o, width: readingWidth(this.out.columns), listChoices: false };
  }

  onText = (delta: string): void => {
    if (!this.wrapper) {
      this.wrapper = new Wrapper(readingWidth(this.out.columns));
      this.out.write(`\n${renderHeading(this.lastTurn + 1)}\n\n`);
    }
    const clean = sanitizeText(delta);
    this.streamed += clean;
    this.out.write(this.wrapper.push(clean));
  };

  /** A stream that died is asked again from scratch: wipe what it showed, never show it twice. */
  onRestart = (): void => {
    if (!this.wrapper) return;
    // Our own cursor moves (not model text): back over the heading and the streamed rows, clear below.
    this.out.write(`\r\x1b[${this.wrapper.rows + 2}F\x1b[J`);
    this.streamed = '';
    this.wrapper = null;
  };

  showTurn(view: TurnView): void {
    this.lastTurn = view.n;
    // Already streamed word for word: only what follows the narration is new.
    if (this.wrapper && this.streamed.trim() === view.turn.narration.trim()) {
      const tail = renderTail(view, this.render);
      this.out.write(`${this.wrapper.end()}\n\n${tail ? `${tail}\n\n` : ''}`);
      this.streamed = '';
      this.wrapper = null;
      return;
    }
    this.onRestart();
    this.out.write(`\n${renderTurn(view, this.render)}\n\n`);
  }

  async ask(choices: string[], ended: boolean): Promise<string | null> {
    try {
      if (ended) {
        return await select({
          message: 'The story has ended.',
          choices: [
            { name: 'Leave (the game is saved)', value: '/quit' },
            { name: 'Undo the last turn', value: '/undo' },
          ],
        });
      }
      const picked = await select({
        message: 'What do you do?',
        loop: false,
        choices: [
          ...choices.map((c, i) => ({ name: `${i + 1}. ${c}`, value: String(i + 1) })),
          new Separator(),
          { name: '✎ Type something else (free text or /help)', value: FREE_TEXT },
        ],
      });
      if (picked !== FREE_TEXT) return picked;
      return await input({ message: '>' });
    } catch (err) {
      return interrupted(err);
    }
  }

  notice(text: string): void {
    process.stderr.write(`${chalk.yellow(text)}\n`);
  }

  info(text: string): void {
    this.out.write(`${text}\n\n`);
  }

  event(): void {}

  close(): void {}

}

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
import { renderTail, renderTurn, type RenderOptions } from './render.js';
import { screenRows } from './width.js';


const FREE_TEXT = '\u0000free';

function interrupted(err: unknown): never {
  if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) throw new InterruptedError('interrupted');
  throw err;
}

export class TtyUi implements Ui {
  /** Narration already streamed to the screen for the turn in progress. */
  private streamed = '';

  constructor(private readonly o: RenderOptions, private readonly out: NodeJS.WriteStream = process.stdout) {}

  onText = (delta: string): void => {
    if (!this.streamed) this.out.write(`\n${chalk.dim('…')}\n`);
    const clean = sanitizeText(delta);
    this.streamed += clean;
    this.out.write(clean);
  };

  /** A stream that died is asked again from scratch: wipe what it showed, never show it twice. */
  onRestart = (): void => {
    if (!this.streamed) return;
    // Our own cursor moves (not model text): up over the streamed rows, clear below.
    const rows = screenRows(this.streamed, this.out.columns || 80) + 1;
    this.out.write(`\r\x1b[${rows}F\x1b[J`);
    this.streamed = '';
  };

  showTurn(view: TurnView): void {
    // Already streamed word for word: only what follows the narration is new.
    if (this.streamed && this.streamed.trim() === view.turn.narration.trim()) {
      this.streamed = '';
      this.out.write(`\n\n${renderTail(view, this.o)}\n\n`);
      return;
    }
    this.onRestart();
    this.out.write(`\n${renderTurn(view, this.o)}\n\n`);
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

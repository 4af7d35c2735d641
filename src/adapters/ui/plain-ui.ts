/** Plain text on stdout, one input per line from stdin: pipes, files, dumb terminals. */
import type { TurnView, Ui, VerdictView } from '../../engine/ports.js';
import { LineReader } from './line-reader.js';
import { sanitizeText } from '../../core/sanitize.js';
import chalk from 'chalk';
import { uiStrings } from './strings.js';
import { renderTurn, verdictText, type RenderOptions } from './render.js';

export class PlainUi implements Ui {
  constructor(
    private readonly reader: LineReader,
    private o: RenderOptions,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  begin({ title, language }: { title: string; language: string }): void {
    this.o = { ...this.o, strings: uiStrings(language) };
    this.out.write(`${chalk.bold(sanitizeText(title))}\n\n`);
  }

  showTurn(view: TurnView): void {
    this.out.write(`${renderTurn(view, this.o)}\n\n`);
  }

  async ask(): Promise<string | null> {
    const line = await this.reader.next();
    if (line !== null) this.out.write(`> ${sanitizeText(line)}\n\n`);
    return line;
  }

  // Notices and info can quote saved or model text: the same filter as narration.
  notice(text: string): void {
    this.err.write(`${sanitizeText(text)}\n`);
  }

  /** The engine's line, green or red, on stdout with the story (it is part of what happened). */
  verdict(v: VerdictView): void {
    this.out.write(`${verdictText(v)}\n\n`);
  }

  info(text: string): void {
    this.out.write(`${sanitizeText(text)}\n\n`);
  }

  event(): void {}

  close(): void {
    this.reader.close();
  }
}

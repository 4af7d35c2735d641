/**
 * The one output path of the terminal ui. It counts the rows it has written since a mark
 * (narration, notices, warnings: everything the game prints goes through it), so a redraw
 * goes back exactly that far and never wipes a line it did not mean to.
 */
import { stripVTControlCharacters } from 'node:util';
import { displayWidth } from './width.js';

export class Screen {
  /** Columns the cursor's line holds so far (it may have wrapped onto several rows). */
  private column = 0;
  /** Rows finished since the mark; null when there is no mark. */
  private rows: number | null = null;

  constructor(
    readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {}

  get columns(): number {
    return this.out.columns || 80;
  }

  write(text: string): void {
    this.out.write(text);
    this.track(text);
  }

  /** A notice or warning: stderr, counted when stderr is this terminal too. */
  writeErr(text: string): void {
    this.err.write(text);
    if (this.err.isTTY) this.track(text);
  }

  /** Start the next output on a line of its own (errors and notices never trail a line). */
  lineStart(): void {
    if (this.column > 0) this.write('\n');
  }

  /** Count rows from here (the cursor is at the start of a line). */
  mark(): void {
    this.lineStart();
    this.rows = 0;
  }

  /** Rows between the cursor and the mark. */
  private get up(): number {
    return (this.rows ?? 0) + Math.floor(Math.max(0, this.column - 1) / this.columns);
  }

  /** Whether the cursor can still get back to the mark (it cannot move into the scrollback). */
  get markOnScreen(): boolean {
    return this.rows !== null && this.up < (this.out.rows || 24);
  }

  /** Back to the mark, clearing everything below it; the mark stays. */
  wipe(): void {
    if (this.rows === null) return;
    const up = this.up;
    this.out.write(`\r${up > 0 ? `\x1b[${up}A` : ''}\x1b[J`);
    this.rows = 0;
    this.column = 0;
  }

  unmark(): void {
    this.rows = null;
  }

  /** Something else (a prompt) drew on the terminal and left the cursor at a line start. */
  reset(): void {
    this.column = 0;
    this.rows = null;
  }

  private track(text: string): void {
    const lines = stripVTControlCharacters(text).split('\n');
    lines.forEach((line, i) => {
      const visible = line.slice(line.lastIndexOf('\r') + 1);
      if (line.includes('\r')) this.column = 0;
      this.column += displayWidth(visible);
      if (i < lines.length - 1) {
        if (this.rows !== null) this.rows += Math.max(1, Math.ceil(this.column / this.columns));
        this.column = 0;
      }
    });
  }
}

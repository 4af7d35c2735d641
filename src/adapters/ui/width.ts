/**
 * Terminal columns: wide (CJK, emoji) characters take two. Used to wrap narration
 * at word boundaries on a terminal and to lay out tables.
 */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

export const charWidth = (ch: string): number => (WIDE.test(ch) ? 2 : 1);

/** CJK closing punctuation never starts a line (kinsoku): it hangs past the width instead. */
const NO_LINE_START = /^[，。、！？；：」』）》〉】〕…—,.!?;:)]$/u;

/** Columns a line may run past the width for hanging punctuation. */
export const HANG = 2;

export function displayWidth(line: string): number {
  let w = 0;
  for (const ch of line) w += charWidth(ch);
  return w;
}

export const padEnd = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
export const padStart = (text: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

/**
 * Wraps text as it streams in: Latin words are held until they end so they never
 * break mid-word; wide characters (which may break anywhere) go out at once.
 * Counts the rows it has used, so streamed text can be wiped exactly.
 */
export class Wrapper {
  private column = 0;
  private word = '';
  /** A space is written only once the next word is known to fit after it. */
  private space = false;
  rows = 1;

  constructor(private readonly width: number) {}

  push(text: string): string {
    let out = '';
    for (const ch of text) {
      if (ch === '\n') out += this.flushWord() + this.newline();
      else if (ch === ' ') {
        out += this.flushWord();
        this.space = this.column > 0;
      } else if (charWidth(ch) === 2) out += this.flushWord() + this.place(ch);
      else this.word += ch;
    }
    return out;
  }

  /** Whatever is still held back. */
  end(): string {
    return this.flushWord();
  }

  private newline(): string {
    this.column = 0;
    this.space = false;
    this.rows += 1;
    return '\n';
  }

  private place(piece: string): string {
    const w = displayWidth(piece);
    const gap = this.space ? 1 : 0;
    this.space = false;
    const hangs = gap === 0 && NO_LINE_START.test(piece) && this.column + w <= this.width + HANG;
    if (this.column > 0 && this.column + gap + w > this.width && !hangs) return `${this.newline()}${this.advance(piece, w)}`;
    return `${' '.repeat(gap)}${this.advance(piece, w + gap)}`;
  }

  private advance(piece: string, columns: number): string {
    this.column += columns;
    return piece;
  }

  private flushWord(): string {
    if (!this.word) return '';
    const word = this.word;
    this.word = '';
    if (displayWidth(word) <= this.width) return this.place(word);
    // Longer than a whole line (a URL, say): break it anywhere.
    let out = '';
    for (const ch of word) out += this.place(ch);
    return out;
  }
}

export function wrapText(text: string, width: number): string {
  const w = new Wrapper(width);
  return w.push(text) + w.end();
}

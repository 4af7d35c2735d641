/**
 * Terminal columns, counted by grapheme (what a terminal draws as one character):
 * CJK and emoji take two, a family emoji joined by ZWJ is one wide character, a
 * combining accent adds nothing. Used to wrap narration at word boundaries on a
 * terminal and to lay out tables.
 */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The graphemes of a text, in order. */
export const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

/** Columns of one grapheme (a wider string is measured whole). */
export const charWidth = (grapheme: string): number => stringWidth(grapheme);

/** CJK closing punctuation never starts a line (kinsoku): it hangs past the width instead. */
const NO_LINE_START = /^[，。、！？；：」』）》〉】〕…—,.!?;:)]$/u;

/** Columns a line may run past the width for hanging punctuation. */
export const HANG = 2;

export const displayWidth = (line: string): number => stringWidth(line);

export const padEnd = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
export const padStart = (text: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

/**
 * Wraps text as it streams in, grapheme by grapheme: Latin words are held until they
 * end so they never break mid-word; wide characters (which may break anywhere) go out
 * at once. The last grapheme of each piece is held until the next one: a stream can
 * split an emoji's ZWJ sequence or a letter from its accent. Counts the rows it has
 * used, so streamed text can be wiped exactly.
 */
export class Wrapper {
  private column = 0;
  private word = '';
  /** A space is written only once the next word is known to fit after it. */
  private space = false;
  /** The last grapheme seen, which the next piece may still extend. */
  private carry = '';
  rows = 1;

  constructor(private readonly width: number) {}

  push(text: string): string {
    const parts = graphemes(this.carry + text);
    this.carry = parts.pop() ?? '';
    return this.placeAll(parts);
  }

  private placeAll(parts: readonly string[]): string {
    let out = '';
    for (const ch of parts) {
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
    const last = this.carry;
    this.carry = '';
    return this.placeAll(last ? [last] : []) + this.flushWord();
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
    for (const ch of graphemes(word)) out += this.place(ch);
    return out;
  }
}

export function wrapText(text: string, width: number): string {
  const w = new Wrapper(width);
  return w.push(text) + w.end();
}

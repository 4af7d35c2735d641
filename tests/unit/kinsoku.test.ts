/** CJK line-breaking rules (kinsoku) in the terminal wrapper: which marks may start or end a line. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { displayWidth, mayBreakBetween, wrapText, Wrapper } from '../../src/adapters/ui/width.js';

const NEVER_START = [...'”’」』）、。，！？：；》〉…'];
const NEVER_END = [...'“‘「『（《—'];

describe('kinsoku: where a line may break between two characters', () => {
  it('never before a closing mark or a pause, never after an opening mark or a dash', () => {
    for (const mark of NEVER_START) expect(mayBreakBetween('字', mark), mark).toBe(false);
    for (const mark of NEVER_END) expect(mayBreakBetween(mark, '字'), mark).toBe(false);
  });

  it('anywhere else next to a CJK character; never inside a Latin word', () => {
    expect(mayBreakBetween('风', '吹')).toBe(true);
    expect(mayBreakBetween('。', '风')).toBe(true);
    expect(mayBreakBetween('风', '“')).toBe(true);
    expect(mayBreakBetween('a', 'b')).toBe(false);
    expect(mayBreakBetween('用', 'M')).toBe(true);
  });
});

/** The widest run of text the rules forbid breaking (between spaces, glued by kinsoku). */
function longestRun(text: string): number {
  let widest = 0;
  for (const word of text.split(/[ \n]/)) {
    let run = '';
    let last = '';
    for (const ch of word) {
      if (run && mayBreakBetween(last, ch)) run = '';
      run += ch;
      last = ch;
      widest = Math.max(widest, displayWidth(run));
    }
  }
  return widest;
}

describe('wrapping Chinese text with kinsoku', () => {
  // Each case is at a width where a plain character-by-character wrap would put the mark at the edge.
  it('a closing quote or stop moves down with the character before it', () => {
    // 10 columns: five characters per line; the sixth is ”, which may not start line 2.
    expect(wrapText('他说：“好的。”然后走了。', 10)).toBe('他说：“好\n的。”然后\n走了。');
    expect(wrapText('一二三四五。六', 10)).toBe('一二三四\n五。六');
  });

  it('an opening quote or bracket never ends a line: it goes down with what it opens', () => {
    expect(wrapText('一二三四「五六」', 10)).toBe('一二三四\n「五六」');
    expect(wrapText('一二三四（注）', 10)).toBe('一二三四\n（注）');
  });

  it('a dash pair stays together', () => {
    const out = wrapText('一二三四——五六', 10);
    expect(out.split('\n').some((l) => l.endsWith('—'))).toBe(false);
    expect(out.replace(/\n/g, '')).toBe('一二三四——五六');
  });

  it('for any text and width, no line starts or ends with a forbidden mark, and none is wider than the width', () => {
    const pieces = fc.constantFrom('风', '吹', '。', '，', '”', '“', '「', '」', '（', '）', '…', '—', '！', 'ok', ' ');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 80 }), fc.integer({ min: 8, max: 30 }), (parts, width) => {
        const text = parts.join('');
        const w = new Wrapper(width);
        const streamed = parts.map((p) => w.push(p)).join('') + w.end();
        expect(streamed).toBe(wrapText(text, width));
        // A space is a break whatever stands beside it ("（ 注" is not Chinese typesetting): not checked.
        if (/[“‘「『（《—] | [”’」』）、。，！？：；》〉…]/.test(text)) return;
        const lines = streamed.split('\n');
        for (const [i, line] of lines.entries()) {
          expect(displayWidth(line)).toBeLessThanOrEqual(width);
          // A glued run wider than a whole line is broken anywhere: the only way a mark can reach an edge.
          if (longestRun(text) > width) continue;
          if (i > 0) expect(NEVER_START).not.toContain([...line][0]);
          if (i < lines.length - 1) expect(NEVER_END).not.toContain([...line].at(-1));
        }
      }),
    );
  });
});

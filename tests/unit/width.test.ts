import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { charWidth, displayWidth, graphemes, HANG, wrapText, Wrapper } from '../../src/adapters/ui/width.js';

describe('wrapping narration for a terminal', () => {
  it('breaks Latin text between words, never inside one', () => {
    expect(wrapText('the quick brown fox jumps over the lazy dog', 15)).toBe('the quick brown\nfox jumps over\nthe lazy dog');
  });

  it('breaks CJK text anywhere, counting each character as two columns', () => {
    const out = wrapText('风吹过古老的遗迹，守门人抬起头。', 10);
    for (const line of out.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(10 + HANG);
    for (const line of out.split('\n').slice(1)) expect(line).not.toMatch(/^[，。]/);
    expect(out.replace(/\n/g, '')).toBe('风吹过古老的遗迹，守门人抬起头。');
  });

  it('keeps paragraph breaks and splits a word longer than the line', () => {
    expect(wrapText('ab\n\ncd', 10)).toBe('ab\n\ncd');
    expect(wrapText('abcdefghij', 4)).toBe('abcd\nefgh\nij');
  });

  it('streamed in any pieces, gives the same lines as wrapping at once, and counts its rows', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'bb', ' ', '风', 'word ', '\n', 'longerword'), { maxLength: 60 }), fc.integer({ min: 4, max: 30 }), (pieces, width) => {
        const text = pieces.join('');
        const w = new Wrapper(width);
        const streamed = pieces.map((p) => w.push(p)).join('') + w.end();
        expect(streamed).toBe(wrapText(text, width));
        expect(w.rows).toBe(streamed.split('\n').length);
        for (const line of streamed.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width + HANG);
      }),
    );
  });
});

describe('width by grapheme (what the terminal draws)', () => {
  const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧, three emoji joined by ZWJ
  const accented = 'e\u0301'; // e + COMBINING ACUTE ACCENT

  it('a ZWJ family is one wide character, an accent adds nothing, ✨ and ⌚ are wide', () => {
    expect(graphemes(family)).toEqual([family]);
    expect(displayWidth(family)).toBe(2);
    expect(displayWidth(accented)).toBe(1);
    expect(displayWidth(`caf${accented}`)).toBe(4);
    expect(charWidth('✨')).toBe(2);
    expect(charWidth('⌚')).toBe(2);
    expect(displayWidth('风 a')).toBe(4);
  });

  it('wraps emoji and accents by their columns', () => {
    // 4 families are 8 columns: at width 6 three fit on a line, never a half sequence.
    expect(wrapText(family.repeat(4), 6)).toBe(`${family.repeat(3)}\n${family}`);
    expect(wrapText(`caf${accented} caf${accented}`, 4)).toBe(`caf${accented}\ncaf${accented}`);
    expect(wrapText('✨✨✨', 4)).toBe('✨✨\n✨');
  });

  it('streamed with a sequence split between pieces, gives the same lines and never splits a grapheme', () => {
    const text = `${family} wait ${accented}cole ⌚✨ ${family}${family}`;
    const codeUnits = [...text];
    for (let cut = 1; cut < codeUnits.length; cut++) {
      const w = new Wrapper(5);
      const streamed = w.push(codeUnits.slice(0, cut).join('')) + w.push(codeUnits.slice(cut).join('')) + w.end();
      expect(streamed).toBe(wrapText(text, 5));
    }
    for (const line of wrapText(text, 5).split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(5);
    expect(wrapText(text, 5).split('\n')).toContain(`${family}${family}`);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { displayWidth, HANG, wrapText, Wrapper } from '../../src/adapters/ui/width.js';

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

/**
 * The narration of a reply still streaming, read piece by piece: however the reply is cut, the
 * pieces give the narration exactly once, escapes decoded; at most `max` characters; and a huge
 * reply costs time in proportion to its size (found by the soak: read again at every piece, a
 * 50 MB reply took an hour).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NarrationReader } from '../../src/core/partial.js';

const readAll = (pieces: string[], max?: number) => {
  const reader = new NarrationReader(max);
  return pieces.map((p) => reader.push(p)).join('');
};

/** `text` cut at the given points. */
const cut = (text: string, at: number[]) => {
  const points = [...new Set(at.map((a) => a % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((p, i) => text.slice(p, points[i] ?? text.length));
};

describe('NarrationReader', () => {
  it('gives the narration once, escapes decoded, however the reply is cut (keys and escapes split too)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat(), { maxLength: 12 }), (narration, at) => {
        const reply = JSON.stringify({ image_prompt: 'a "narration": trap?', narration, choices: ['a'] });
        expect(readAll(cut(reply, at))).toBe(narration);
      }),
    );
  });

  it('stops at max characters and before an escape that has not fully arrived', () => {
    expect(readAll(['{"narration": "abc\\u00', 'e9def"}'], 5)).toBe('abcéd');
    const reader = new NarrationReader();
    expect(reader.push('{"narr')).toBe('');
    expect(reader.push('ation":"x\\')).toBe('x');
    expect(reader.push('ny"')).toBe('\ny');
    expect(reader.push('more')).toBe('');
  });

  it('50 MB in 64 KB pieces is read in well under the deadline, and gives only max characters', () => {
    const reader = new NarrationReader(4000);
    const block = 'a'.repeat(64 * 1024);
    const started = Date.now();
    let told = reader.push('{"narration":"');
    for (let i = 0; i < 800; i++) told += reader.push(block);
    expect(told).toHaveLength(4000);
    expect(Date.now() - started).toBeLessThan(5_000); // generous: about 10 ms here; before, about an hour
  });

  it('a reply with no narration key in it costs no more than one look at each piece', () => {
    const reader = new NarrationReader(4000);
    const block = 'b'.repeat(64 * 1024);
    const started = Date.now();
    for (let i = 0; i < 800; i++) expect(reader.push(block)).toBe('');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

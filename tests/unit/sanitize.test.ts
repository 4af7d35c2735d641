import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeDeep, sanitizeText } from '../../src/core/sanitize.js';

/** Everything that must never survive, as a character class. */
// What sanitizeText removes: controls, bidi overrides and the invisible characters that spoof text.
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u061c\u2060-\u2064\ufeff\u2028\u2029\u180e]|[\u{e0000}-\u{e007f}]/u;

describe('sanitizeText: escape sequences', () => {
  it.each([
    ['CSI clear screen', 'a\x1b[2Jb', 'ab'],
    ['CSI colour (SGR)', '\x1b[31mred\x1b[0m', 'red'],
    ['CSI with private marker and intermediates', 'x\x1b[?25l\x1b[1 qy', 'xy'],
    ['CSI cursor move with params', 'a\x1b[10;20Hb', 'ab'],
    ['OSC window title, BEL-terminated', '\x1b]0;pwned\x07ok', 'ok'],
    ['OSC 52 clipboard, ST-terminated', 'a\x1b]52;c;ZWNobyBldmls\x1b\\b', 'ab'],
    ['OSC 8 hyperlink', '\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['DCS string', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
    ['APC string', 'a\x1b_payload\x1b\\b', 'ab'],
    ['PM string', 'a\x1b^private\x1b\\b', 'ab'],
    ['SOS string', 'a\x1bXstart of string\x1b\\b', 'ab'],
    ['two-char: full reset ESC c', 'a\x1bcb', 'ab'],
    ['two-char: save cursor ESC 7', 'a\x1b7b', 'ab'],
    ['charset designation ESC ( B', 'a\x1b(Bb', 'ab'],
    ['lone ESC at end', 'abc\x1b', 'abc'],
    ['8-bit CSI U+009B with params', 'a\u009b2Jb', 'ab'],
    ['8-bit OSC U+009D with ST U+009C', 'a\u009d0;title\u009cb', 'ab'],
    ['8-bit OSC U+009D with BEL', 'a\u009d52;c;eHl6\x07b', 'ab'],
    ['8-bit DCS U+0090', 'a\u0090data\u009cb', 'ab'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it('drops an unterminated OSC introducer but keeps the text after it', () => {
    // A terminal would swallow everything; we keep it visible but harmless.
    const out = sanitizeText('before\x1b]0;never closed');
    expect(out).toBe('before0;never closed');
  });
});

describe('sanitizeText: single control characters', () => {
  it('removes BEL, backspace, NUL, VT, FF and DEL', () => {
    expect(sanitizeText('a\x07b\x08c\x00d\x0be\x0cf\x7fg')).toBe('abcdefg');
  });

  it('turns CRLF into LF and drops a lone CR (which could overwrite a line)', () => {
    expect(sanitizeText('one\r\ntwo\rthree')).toBe('one\ntwothree');
  });

  it('keeps newline and tab', () => {
    expect(sanitizeText('a\tb\nc')).toBe('a\tb\nc');
  });

  it('removes every C1 control U+0080–U+009F', () => {
    const c1 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
    expect(sanitizeText(`x${c1}y`)).toBe('xy');
  });

  it('removes bidi overrides and isolates', () => {
    const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    expect(sanitizeText(`safe${bidi}txt.exe`)).toBe('safetxt.exe');
  });
});

describe('sanitizeText: ordinary text', () => {
  it.each([
    ['CJK', '勇者は洞窟に入った。「風」と答えた。'],
    ['emoji with ZWJ and skin tone', '👩‍👩‍👧‍👦 🧙🏽‍♂️ 🏳️‍🌈'],
    ['accents, combining marks', 'Café, naïve, e\u0301'],
    ['full-width punctuation', '（ひらがな）！？、。'],
    ['Korean, Arabic, Hebrew', '바람 مرحبا שלום'],
  ])('keeps %s', (_name, text) => {
    expect(sanitizeText(text)).toBe(text);
  });
});

describe('sanitizeText: properties', () => {
  // Full code points, plus a bias towards the dangerous characters.
  const nasty = fc.constantFrom('\x1b', '[', ']', '\\', '\x07', '\x9b', '\x9c', '\x9d', '\r', '\n', 'P', '_', '2', 'J', ';', '\u202e');
  const text = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nasty), maxLength: 80 });

  it('never outputs a control character', () => {
    fc.assert(
      fc.property(text, (s) => !FORBIDDEN.test(sanitizeText(s))),
      { numRuns: 300 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (s) => {
        const once = sanitizeText(s);
        return sanitizeText(once) === once;
      }),
      { numRuns: 300 },
    );
  });

  it('returns text without controls unchanged', () => {
    const clean = fc.string({ unit: 'binary', maxLength: 80 }).filter((s) => !FORBIDDEN.test(s) && !s.includes('\r'));
    fc.assert(
      fc.property(clean, (s) => sanitizeText(s) === s),
      { numRuns: 200 },
    );
  });
});

describe('sanitizeDeep', () => {
  it('sanitises every string in nested objects and arrays, keys included', () => {
    const input = {
      narration: '\x1b[2Jhello',
      choices: ['a\x07', 'b'],
      n: 3,
      ok: true,
      none: null,
      nested: { deep: [{ 'k\x1b[31m': 'v\x9b1m' }] },
    };
    expect(sanitizeDeep(input)).toEqual({
      narration: 'hello',
      choices: ['a', 'b'],
      n: 3,
      ok: true,
      none: null,
      nested: { deep: [{ k: 'v' }] },
    });
  });

  it('returns a new value and leaves the input alone', () => {
    const input = { a: ['\x07x'] };
    const out = sanitizeDeep(input);
    expect(out).not.toBe(input);
    expect(out.a).not.toBe(input.a);
    expect(input.a[0]).toBe('\x07x');
  });

  it('sanitises a bare string and passes other primitives through', () => {
    expect(sanitizeDeep('\x1b]0;t\x07x')).toBe('x');
    expect(sanitizeDeep(42)).toBe(42);
    expect(sanitizeDeep(undefined)).toBe(undefined);
  });

  it('keeps a "__proto__" key from JSON as plain data', () => {
    const input: unknown = JSON.parse('{"__proto__": {"polluted": "\\u001b[1m yes"}}');
    const out = sanitizeDeep(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: ' yes' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

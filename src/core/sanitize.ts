/**
 * Neutralise untrusted text (model output, pack text, saved games) before it
 * can reach a terminal. A model can emit escape sequences that clear the
 * screen, retitle the window, write the clipboard (OSC 52) or hide text with
 * bidi overrides; after `sanitizeText` none of that survives.
 *
 * Pure: no I/O. The output contains no C0 control except `\n` and `\t`, no DEL,
 * no C1 control, no bidi override/isolate/mark and no invisible character that
 * spoofs text, so sanitising twice changes nothing (every pattern below needs
 * one of those characters to match).
 */

/**
 * Control strings (OSC, DCS, SOS, PM, APC) in 7-bit (`ESC ]`, `ESC P`, `ESC X`,
 * `ESC ^`, `ESC _`) or 8-bit (U+009D, U+0090, U+0098, U+009E, U+009F) form,
 * with their payload, up to a terminator: BEL, `ESC \` or the 8-bit ST U+009C.
 * The payload may not contain ESC or ST: a terminal aborts the string there,
 * so an unterminated introducer is left for the later passes to strip alone
 * (its payload then shows as harmless plain text rather than eating the rest).
 */
const CONTROL_STRING = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)/g;

/** CSI (`ESC [` or 8-bit U+009B): parameter bytes, intermediate bytes, one final byte. */
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;

/**
 * Any other ESC sequence: intermediates then one final byte, e.g. `ESC c`
 * (full reset), `ESC 7`, `ESC ( B`. Also mops up introducers left unmatched above.
 */
const ESC_SEQUENCE = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

/**
 * Single characters that are never kept: C0 controls except TAB (\x09) and
 * LF (\x0a) — this includes BEL, backspace, a lone CR, a lone ESC — plus DEL,
 * all C1 controls, and the bidi embeddings/overrides (U+202A–U+202E) and
 * isolates (U+2066–U+2069) that can make text read differently from its bytes.
 */
const C0 = String.raw`\x00-\x08\x0b-\x1f`;
const DEL_C1_BIDI = String.raw`\x7f-\x9f\u202a-\u202e\u2066-\u2069`;
const STRAY_CONTROL = new RegExp(`[${C0}${DEL_C1_BIDI}]`, 'g');

/**
 * Characters that show as nothing and so make text read other than it is: zero-width space,
 * the direction marks (LRM, RLM, ALM), word joiner and invisible operators, the BOM, the
 * line and paragraph separators (a line break a terminal does not make, so one "line" hides
 * another in a log), the Mongolian vowel separator, and the tag characters (U+E0000–U+E007F,
 * which spell hidden ASCII: "ASCII smuggling"). Kept: ZWJ and ZWNJ (U+200D, U+200C), which
 * emoji sequences and Persian or Indic words need, and variation selectors (emoji style).
 */
const INVISIBLE_BMP = String.raw`\u200b\u200e\u200f\u061c\u2060-\u2064\ufeff\u2028\u2029\u180e`;
const TAGS = String.raw`[\u{e0000}-\u{e007f}]`;
const INVISIBLE = new RegExp(`[${INVISIBLE_BMP}]|${TAGS}`, 'gu');

/** Return `s` with everything that could act on a terminal removed; other text untouched. */
export function sanitizeText(s: string): string {
  return s
    .replace(/\r\n/g, '\n') // Windows line ends are ordinary newlines, not a stray CR
    .replace(CONTROL_STRING, '') // whole strings first, so their payload goes too
    .replace(CSI, '')
    .replace(ESC_SEQUENCE, '')
    .replace(STRAY_CONTROL, '')
    .replace(INVISIBLE, '');
}

/**
 * What a terminal could act on, or what hides text, if written raw: the characters sanitizeText
 * removes, from the same lists (C0 is escaped by JSON.stringify itself).
 */
const UNSAFE_IN_JSON = new RegExp(`[${DEL_C1_BIDI}${INVISIBLE_BMP}]|${TAGS}`, 'gu');

/** Every UTF-16 unit as `\uXXXX` (a tag character is a surrogate pair: two escapes, as JSON spells it). */
const escaped = (ch: string): string =>
  Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/**
 * JSON text that is safe on a terminal and exact for a program: JSON.stringify escapes C0
 * controls but writes DEL, C1, bidi and invisible characters raw; here they become `\uXXXX`
 * escapes, so the value parsed back is the same (for data that must stay exact, such as the
 * request `pack preview --json` shows) and nothing raw reaches the screen.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, escaped);
}

/** Only arrays and plain objects are walked; class instances (Date, Map, ...) are left alone. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Return a copy of JSON-like `value` with `sanitizeText` applied to every
 * string in it, object keys included (keys get displayed too, e.g. state
 * flags). Values are tree-shaped here (parsed JSON), so cycles are not handled.
 */
export function sanitizeDeep<T>(value: T): T {
  return mapStrings(value, sanitizeText);
}

/** A copy of JSON-like `value` with `fn` applied to every string in it, object keys included. */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v);
    if (Array.isArray(v)) return v.map(walk);
    // fromEntries defines own properties, so a "__proto__" key stays data.
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [fn(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

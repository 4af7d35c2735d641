/**
 * The narration so far from a JSON reply still arriving, so it can be shown while
 * the model writes. Reads the "narration" string value and decodes its escapes,
 * stopping before an escape that has not fully arrived.
 */
const START = /"narration"\s*:\s*"/;
const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

export function partialNarration(text: string): string {
  const m = START.exec(text);
  if (!m) return '';
  let out = '';
  for (let i = m.index + m[0].length; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return out;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return out;
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return out;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      out += SIMPLE[next] ?? next;
      i += 1;
    }
  }
  return out;
}

/**
 * The narration so far from a JSON reply still arriving, so it can be shown while
 * the model writes. Reads the "narration" string value and decodes its escapes,
 * stopping before an escape that has not fully arrived.
 */
const START = /"narration"\s*:\s*"/;
const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
/** Text kept, while the key has not been seen, in case a piece ends inside it. */
const KEY_TAIL = 64;

/** The narration text at the start of `text` (the part after the opening quote). */
function decode(text: string): { out: string; rest: string; closed: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { out, rest: '', closed: true };
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return { out, rest: text.slice(i), closed: false };
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (hex.length < 4) return { out, rest: text.slice(i), closed: false };
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { out, rest: '', closed: true }; // not JSON: nothing more to show
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      out += SIMPLE[next] ?? next;
      i += 1;
    }
  }
  return { out, rest: '', closed: false };
}

/**
 * The narration of a streamed reply, read piece by piece: each piece is looked at once, so a
 * reply of any size costs time in proportion to it (reading the whole text again at every piece
 * took an hour for a 50 MB reply), and nothing past `max` characters is given (a narration
 * longer than the schema allows is refused anyway; showing megabytes of it helps no one).
 */
export class NarrationReader {
  /** Before the key: the last characters, which may hold its start; after: an escape not yet whole. */
  private pending = '';
  private started = false;
  private finished = false;
  private told = 0;

  constructor(private readonly max = Infinity) {}

  /** The narration text that `piece` (the reply's next part) adds. */
  push(piece: string): string {
    if (this.finished) return '';
    let text = this.pending + piece;
    if (!this.started) {
      const m = START.exec(text);
      if (!m) {
        this.pending = text.slice(-KEY_TAIL);
        return '';
      }
      this.started = true;
      text = text.slice(m.index + m[0].length);
    }
    const { out, rest, closed } = decode(text);
    this.pending = rest;
    const said = out.slice(0, Math.max(0, this.max - this.told));
    this.told += said.length;
    this.finished = closed || this.told >= this.max;
    return said;
  }
}

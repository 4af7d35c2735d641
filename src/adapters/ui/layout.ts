/**
 * Laying out the program's own lines at a terminal's width: a list item or a table row
 * wraps under its text, not under its number or first column (the wrapping itself, kinsoku
 * and display widths are width.ts's).
 */
import { displayWidth, graphemes, mayBreakBetween, wrapText } from './width.js';

/** `prefix` then `body` wrapped beside it: "1. " + a long choice, continued under the choice. */
export function hang(prefix: string, body: string, width: number): string {
  const indent = displayWidth(prefix);
  // A prefix that leaves no room for the text: the text goes under it, unindented.
  if (width - indent < Math.min(12, width / 2)) return `${prefix.trimEnd()}\n${wrapText(body, width)}`;
  return wrapText(body, width - indent)
    .split('\n')
    .map((line, i) => (i === 0 ? prefix : ' '.repeat(indent)) + line)
    .join('\n');
}

/**
 * Where a line's text starts: after its indentation, a list marker ("* 1. ") or a first
 * column followed by two or more spaces ("  /undo          take back…").
 */
const HANGING_PREFIX = /^\s*(?:[*❯]\s)?\s*(?:\d{1,3}\.\s+|(?:\S+ )*\S+\s{2,}(?=\S))?/u;

/** A name in quotes ("slot", “slot”, 'my slot' as a shell argument) in the program's own lines. */
const QUOTED = /“[^”\n]{1,66}”|"[^"\n]{1,66}"|'[^'\n]{1,66}'/gu;
/** Stands in for one column of a quoted name while a line is wrapped (narrow, so never broken inside). */
const STAND_IN = '\uE000';

/** Graphemes after `end` (and before `start`) that may not be split from the name: kinsoku glue, the rest of a word. */
function gluedSpan(gs: readonly string[], start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  while (from > 0 && gs[from - 1] !== ' ' && !mayBreakBetween(gs[from - 1]!, gs[from]!)) from--;
  while (to < gs.length && gs[to] !== ' ' && gs[to] !== '\n' && !mayBreakBetween(gs[to - 1]!, gs[to]!)) to++;
  return [from, to];
}

/**
 * Wrap `body` with each quoted name (a slot, a pack) kept whole where it fits in `room`
 * columns: it moves to the next line rather than break at its space or between its Chinese
 * characters. While wrapping, the inside of the name (with whatever is glued to it) stands
 * as narrow placeholders, one per column, between its real first and last graphemes, so the
 * wrapper breaks around it exactly as around the name; then the name is put back.
 */
function keepingNames(body: string, room: number, wrap: (text: string) => string): string {
  const gs = graphemes(body.replaceAll(STAND_IN, ''));
  const starts: number[] = [];
  let at = 0;
  for (const g of gs) {
    starts.push(at);
    at += g.length;
  }
  const text = gs.join('');
  // One entry per placeholder: the grapheme that starts at that column ('' for a wide one's second column).
  const columns: string[] = [];
  const out: string[] = [];
  let next = 0;
  const graphemeAt = (offset: number): number => (offset === text.length ? gs.length : starts.indexOf(offset));
  for (const m of text.matchAll(QUOTED)) {
    const [start, end] = [graphemeAt(m.index), graphemeAt(m.index + m[0].length)];
    if (start < 0 || end < 0) continue; // a quote mark inside a grapheme: not a name
    const [from, to] = gluedSpan(gs, start, end);
    if (from < next || to - from < 3 || displayWidth(gs.slice(from, to).join('')) > room) continue;
    out.push(...gs.slice(next, from), gs[from]!);
    for (const g of gs.slice(from + 1, to - 1)) {
      const w = displayWidth(g);
      // A zero-width grapheme stays as it is, right after the column it belongs to.
      if (w === 0) out.push(g);
      else {
        columns.push(g, ...Array<string>(w - 1).fill(''));
        out.push(STAND_IN.repeat(w));
      }
    }
    out.push(gs[to - 1]!);
    next = to;
  }
  out.push(...gs.slice(next));
  return wrap(out.join('')).replace(/\uE000/gu, () => columns.shift() ?? '');
}

const MAX_COLUMN = 24;

/** One line of the program's own, wrapped under its text (see HANGING_PREFIX). */
function wrapLine(line: string, width: number): string {
  const found = HANGING_PREFIX.exec(line)?.[0] ?? '';
  // A "first column" wider than this is two spaces inside prose, not a column.
  const prefix = displayWidth(found) <= MAX_COLUMN ? found : (/^\s*/.exec(line)?.[0] ?? '');
  const body = line.slice(prefix.length);
  if (!prefix) return keepingNames(body, width, (held) => wrapText(held, width));
  return keepingNames(body, width - displayWidth(prefix), (held) => hang(prefix, held, width));
}

/** Several lines of the program's own (help, /state, /memory, notices), each wrapped under its text. */
export function wrapBlock(text: string, width: number): string {
  return text.split('\n').map((line) => wrapLine(line, width)).join('\n');
}

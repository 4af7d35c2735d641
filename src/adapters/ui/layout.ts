/**
 * Laying out the program's own lines at a terminal's width: a list item or a table row
 * wraps under its text, not under its number or first column (the wrapping itself, kinsoku
 * and display widths are width.ts's).
 */
import { displayWidth, graphemes, wrapText } from './width.js';

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

/**
 * Wrap `body` with each quoted name (a slot, a pack) that fits in `room` columns kept whole:
 * it moves to the next line rather than break at its space or between its Chinese characters.
 */
function keepingNames(body: string, room: number, wrap: (text: string) => string): string {
  // One entry per stand-in column: the grapheme that starts there ('' for a wide one's second column).
  const columns: string[] = [];
  const held = body.replaceAll(STAND_IN, '').replace(QUOTED, (name) => {
    if (displayWidth(name) > room) return name;
    for (const g of graphemes(name)) {
      const w = displayWidth(g);
      if (w === 0 && columns.length) columns[columns.length - 1] += g;
      else columns.push(g, ...Array<string>(Math.max(0, w - 1)).fill(''));
    }
    return STAND_IN.repeat(displayWidth(name));
  });
  return wrap(held).replace(/\uE000/gu, () => columns.shift() ?? '');
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

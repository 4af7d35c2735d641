/**
 * The turn prompt: the numbered choices with a highlight, and a line to type on.
 * Arrows move the highlight and Enter takes it; typing anything (free text, a
 * number, a /command) fills the line instead and Enter sends that. A stock select
 * would silently swallow typed text and then take the highlighted choice.
 * With text on the line, Up and Down walk through what was sent before (history).
 */
import {
  createPrompt, isDownKey, isEnterKey, isUpKey, makeTheme, useEffect, useKeypress, usePrefix, useRef, useState, type Status,
} from '@inquirer/core';
import { hang } from './layout.js';

/** The part of inquirer's readline this prompt edits. */
interface LineEditor {
  line: string;
  write(data: string): void;
  clearLine(dir: 0): void;
}

export interface ActionPromptConfig {
  message: string;
  choices: readonly string[];
  /** The line under the choices, e.g. "↑↓ choose · Enter takes it · or type what you do". */
  hint: string;
  /** Columns to lay the choices out in (a long choice wraps under its text, never mid-word). */
  width?: number;
  /** Lines sent before, oldest first; Enter adds to it (the caller keeps it between prompts). */
  history?: string[];
  /** The longest line taken; what is typed or pasted past it is dropped, with `tooLong` shown. */
  maxLength?: number;
  tooLong?: string;
}

/**
 * The choices as rows: "❯ 1. text" for the highlighted one, "  2. text" for the others,
 * each wrapped at `width` under its text (the marker and number stay to the left).
 */
export function choiceRows(choices: readonly string[], active: number | null, width = Infinity): string[][] {
  return choices.map((c, i) => {
    const lines = hang(`${i + 1}. `, c, width - 2).split('\n');
    return lines.map((line, j) => (j === 0 && i === active ? `❯ ${line}` : `  ${line}`));
  });
}

export const MAX_INPUT = 2000;

/** What a typed number means, so the highlight can follow it. */
const numberIn = (line: string, count: number): number | null => {
  const n = /^\s*(\d{1,2})\s*$/.exec(line)?.[1];
  return n && Number(n) >= 1 && Number(n) <= count ? Number(n) : null;
};

/** readline's line, replaced (history): clear it, then type the new one in. */
function replaceLine(rl: LineEditor, text: string): void {
  rl.clearLine(0);
  rl.write(text);
}

/** Cut the line to `max` characters; true when it had to be. */
function clip(rl: LineEditor, max: number): boolean {
  if (rl.line.length <= max) return false;
  replaceLine(rl, rl.line.slice(0, max));
  return true;
}

export const actionPrompt = createPrompt<string, ActionPromptConfig>((config, done) => {
  const theme = makeTheme();
  const [status, setStatus] = useState<Status>('idle');
  const [active, setActive] = useState(0);
  const [line, setLine] = useState('');
  const [clipped, setClipped] = useState(false);
  const prefix = usePrefix({ status, theme });
  const count = config.choices.length;
  const history = config.history ?? [];
  const max = config.maxLength ?? MAX_INPUT;
  /** Where Up/Down stand in the history (history.length: the line being written), and that line. */
  const browse = useRef({ at: history.length, draft: '' });
  /** A render waiting for the keys of this burst: a paste is drawn once, not once per character. */
  const pending = useRef<NodeJS.Immediate | null>(null);
  /** readline's line after the last key: on Enter readline has already emptied it. */
  const typedLine = useRef('');

  // Keys that came before the first render went into readline's line unseen; the same keys were
  // held by the ui (input-hold.ts) and are typed in again right after: cleared here, or they
  // would be on the line twice ("22").
  useEffect((rl) => {
    rl.clearLine(0);
  }, []);

  useKeypress((key, rl) => {
    if (isEnterKey(key)) {
      if (pending.current) clearImmediate(pending.current);
      pending.current = null;
      const typed = typedLine.current.trim();
      const n = numberIn(typed, count);
      const answer = typed || (count > 0 ? String(active + 1) : '');
      if (!answer) return;
      if (typed && n === null && history.at(-1) !== typed) history.push(typed);
      setLine(typedLine.current);
      setStatus('done');
      done(answer);
      return;
    }
    const walking = isUpKey(key) || isDownKey(key);
    if (walking && history.length > 0 && (rl.line.trim() !== '' || count === 0) && numberIn(rl.line, count) === null) {
      const b = browse.current;
      if (b.at === history.length) b.draft = rl.line;
      b.at = Math.max(0, Math.min(history.length, b.at + (isUpKey(key) ? -1 : 1)));
      replaceLine(rl, b.at === history.length ? b.draft : (history[b.at] ?? ''));
      typedLine.current = rl.line;
      setLine(rl.line);
      return;
    }
    if (walking && count > 0) {
      setActive((active + (isUpKey(key) ? count - 1 : 1)) % count);
      return;
    }
    if (clip(rl, max)) setClipped(true);
    typedLine.current = rl.line;
    // Keys that arrive together (a paste) are drawn once, when the burst is over.
    pending.current ??= setImmediate(() => {
      pending.current = null;
      setLine(rl.line);
      const n = numberIn(rl.line, count);
      if (n !== null) setActive(n - 1);
    });
  });

  const message = theme.style.message(config.message, status);
  if (status === 'done') {
    const n = numberIn(line, count) ?? (line.trim() ? null : active + 1);
    const shown = n !== null ? `${n}. ${config.choices[n - 1] ?? ''}` : line.trim();
    const head = `${prefix} ${message} `;
    const [first = '', ...more] = hang(head, shown, config.width ?? Infinity).split('\n');
    return [head + theme.style.answer(first.slice(head.length)), ...more.map((l) => theme.style.answer(l))].join('\n');
  }
  const typing = line.trim() !== '' && numberIn(line, count) === null;
  const rows = choiceRows(config.choices, typing ? null : active, config.width).map((lines, i) =>
    (i === active && !typing ? lines.map((l) => theme.style.highlight(l)) : lines).join('\n'));
  const help = clipped && config.tooLong ? `${theme.style.error(config.tooLong)}\n${theme.style.help(config.hint)}` : theme.style.help(config.hint);
  return [[`${prefix} ${message}`, ...rows, `> ${line}`].join('\n'), help];
});

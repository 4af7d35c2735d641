/**
 * The turn prompt: the numbered choices with a highlight, and a line to type on.
 * Arrows move the highlight and Enter takes it; typing anything (free text, a
 * number, a /command) fills the line instead and Enter sends that. A stock select
 * would silently swallow typed text and then take the highlighted choice.
 */
import {
  createPrompt, isDownKey, isEnterKey, isUpKey, makeTheme, useKeypress, usePrefix, useState, type Status,
} from '@inquirer/core';
import { hang } from './layout.js';

export interface ActionPromptConfig {
  message: string;
  choices: readonly string[];
  /** The line under the choices, e.g. "↑↓ choose · Enter takes it · or type what you do". */
  hint: string;
  /** Columns to lay the choices out in (a long choice wraps under its text, never mid-word). */
  width?: number;
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

/** What a typed number means, so the highlight can follow it. */
const numberIn = (line: string, count: number): number | null => {
  const n = /^\s*(\d{1,2})\s*$/.exec(line)?.[1];
  return n && Number(n) >= 1 && Number(n) <= count ? Number(n) : null;
};

export const actionPrompt = createPrompt<string, ActionPromptConfig>((config, done) => {
  const theme = makeTheme();
  const [status, setStatus] = useState<Status>('idle');
  const [active, setActive] = useState(0);
  const [line, setLine] = useState('');
  const prefix = usePrefix({ status, theme });
  const count = config.choices.length;

  useKeypress((key, rl) => {
    if (isEnterKey(key)) {
      const typed = line.trim();
      const answer = typed || (count > 0 ? String(active + 1) : '');
      if (!answer) return;
      setStatus('done');
      done(answer);
    } else if ((isUpKey(key) || isDownKey(key)) && count > 0) {
      setActive((active + (isUpKey(key) ? count - 1 : 1)) % count);
    } else {
      setLine(rl.line);
      const n = numberIn(rl.line, count);
      if (n !== null) setActive(n - 1);
    }
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
  return [[`${prefix} ${message}`, ...rows, `> ${line}`].join('\n'), theme.style.help(config.hint)];
});

/** How a turn looks in a terminal. Text reaching here has been sanitised by the engine. */
import chalk from 'chalk';
import type { TurnView, VerdictView } from '../../engine/ports.js';
import { sanitizeText } from '../../core/sanitize.js';
import { HANG, wrapText } from './width.js';
import { hang } from './layout.js';
import { uiStrings, type UiStrings } from './strings.js';

// chalk honours FORCE_COLOR but not the NO_COLOR convention (no-color.org): do it here.
if (process.env.NO_COLOR) chalk.level = 0;

export interface RenderOptions {
  images: 'off' | 'prompt' | 'generate';
  /** Wrap at this many columns (a terminal); unset for pipes, where the reader wraps. */
  width?: number;
  /** False when a menu shows the choices already. */
  listChoices?: boolean;
  /** The interface's own words (headings, outcomes), in the pack's language. */
  strings?: UiStrings;
}

/** The engine's verdict line: green when the player was right, red when not. */
export function verdictText(v: VerdictView): string {
  const text = sanitizeText(v.line);
  return v.outcome === 'right' || v.outcome === 'persuaded' ? chalk.green(text) : chalk.red(text);
}

/** Narration width on a terminal: the window, but not wider than is comfortable to read. */
export const readingWidth = (columns: number | undefined): number => Math.max(20, Math.min((columns ?? 80) - HANG, 100));

const wrap = (text: string, o: RenderOptions): string => (o.width ? wrapText(text, o.width) : text);

export function renderHeading(n: number, s: UiStrings = uiStrings(undefined)): string {
  return chalk.dim(`── ${s.turn(n)} ──`);
}

/** The numbered choices; with a width, a long one wraps under its text, never mid-word. */
function renderChoices(choices: readonly string[], width?: number): string {
  return choices.map((c, i) => hang(`${chalk.bold(`${i + 1}.`)} `, c, width ?? Infinity)).join('\n');
}

/** Everything after the narration: image prompt, ending or choices. */
export function renderTail(view: TurnView, o: RenderOptions): string {
  const parts: string[] = [];
  if (o.images !== 'off' && view.turn.image_prompt) parts.push(chalk.dim(wrap(`🎨 ${view.turn.image_prompt}`, o)));
  const over = view.turn.game_over;
  const s = o.strings ?? uiStrings(undefined);
  if (over) parts.push(chalk.bold(wrap(s.ending(s.outcome[over.outcome], over.reason), o)));
  else if (view.turn.choices.length && o.listChoices !== false) parts.push(renderChoices(view.turn.choices, o.width));
  return parts.join('\n\n');
}

export function renderTurn(view: TurnView, o: RenderOptions): string {
  return [renderHeading(view.n, o.strings), wrap(view.turn.narration, o), renderTail(view, o)].filter(Boolean).join('\n\n');
}


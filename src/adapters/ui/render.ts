/** How a turn looks in a terminal. Text reaching here has been sanitised by the engine. */
import chalk from 'chalk';
import type { TurnView } from '../../engine/ports.js';

// chalk honours FORCE_COLOR but not the NO_COLOR convention (no-color.org): do it here.
if (process.env.NO_COLOR) chalk.level = 0;

export interface RenderOptions {
  images: 'off' | 'prompt' | 'generate';
}

const OUTCOME_LABEL = { win: 'You won', lose: 'You lost', end: 'The end' } as const;

export function renderHeading(n: number): string {
  return chalk.dim(`── Turn ${n} ──`);
}

export function renderChoices(choices: readonly string[]): string {
  return choices.map((c, i) => `${chalk.bold(`${i + 1}.`)} ${c}`).join('\n');
}

/** Everything after the narration: image prompt, ending or choices. */
export function renderTail(view: TurnView, o: RenderOptions): string {
  const parts: string[] = [];
  if (o.images !== 'off' && view.turn.image_prompt) parts.push(chalk.dim(`🎨 ${view.turn.image_prompt}`));
  const over = view.turn.game_over;
  if (over) parts.push(chalk.bold(`★ ${OUTCOME_LABEL[over.outcome]}: ${over.reason}`));
  else if (view.turn.choices.length) parts.push(renderChoices(view.turn.choices));
  return parts.join('\n\n');
}

export function renderTurn(view: TurnView, o: RenderOptions): string {
  return [renderHeading(view.n), view.turn.narration, renderTail(view, o)].filter(Boolean).join('\n\n');
}

export const ENDED_HINT = 'The story has ended. Type /undo to go back, or press Enter to leave.';

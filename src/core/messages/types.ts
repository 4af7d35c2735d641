/** The shapes the catalogue's formatting functions take (plain data, so core stays pure). */
export type Outcome = 'win' | 'lose' | 'end';

/** The in-game commands /help explains, in the order it lists them. */
export const HELP_COMMANDS = ['undo', 'redo', 'retry', 'alt', 'state', 'image', 'memory', 'usage', 'save', 'help', 'new', 'quit'] as const;
export type HelpCommand = (typeof HELP_COMMANDS)[number];

export type { BlockName } from '../prompt.js';

export interface TokenCounts {
  prompt: number;
  completion: number;
  cached: number;
}

/** /memory's total line, numbers already formatted. */
export interface MemoryTotals {
  budget: string;
  reply: string;
  margin: string;
}

/** /state's three lines, each already joined ("勇气 3/10，体力 5/5"). */
export interface StateLines {
  stats: string;
  inventory: string;
  flags: string;
}

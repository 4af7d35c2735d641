/** The shapes the catalogue's formatting functions take (plain data, so core stays pure). */
export type Outcome = 'win' | 'lose' | 'end';

/** The in-game commands /help explains, in the order it lists them. */
export const HELP_COMMANDS = ['undo', 'redo', 'retry', 'alt', 'state', 'image', 'memory', 'usage', 'save', 'transcript', 'help', 'continue', 'new', 'quit'] as const;
export type HelpCommand = (typeof HELP_COMMANDS)[number];

export type { BlockName } from '../prompt.js';
import type { SummaryDetail } from '../summary.js';

/** What one block of a request holds, as data: /memory says it in the interface language. */
export type BlockAbout =
  | { block: 'system' }
  | { block: 'current' }
  | { block: 'examples'; kept: number; of: number }
  | { block: 'summary'; through: number | null; detail: SummaryDetail | null }
  | { block: 'turns'; kept: number }
  | { block: 'lore'; ids: string[] };

/** One thing left out of a request to fit the window, as data. */
export type Cut =
  | { cut: 'examples'; dropped: number; of: number }
  | { cut: 'lore'; id: string }
  | { cut: 'turns'; n: number }
  | { cut: 'summary-detail'; detail: SummaryDetail }
  | { cut: 'summary' };

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

import type { StateChangeView, StatusView } from '../status.js';

/** "Warmth 4/5": a stat as the status line shows it, in either language (the label is the pack's). */
export const statText = (s: StatusView['stats'][number]): string => `${s.label} ${s.value}${s.max !== null ? `/${s.max}` : ''}`;

/** "Warmth 5 → 4", "+ brass key", "− rope": the same signs in either language. */
export const changeText = (c: StateChangeView): string[] => [
  ...c.stats.map((s) => `${s.label} ${s.from} → ${s.to}`),
  ...c.gained.map((i) => `+ ${i}`),
  ...c.lost.map((i) => `− ${i}`),
];

/** `/memory`: what the model is sent, block by block, as a small table (display widths: labels may be CJK). */
import type { MemoryView } from './ports.js';
import { en, type Messages } from '../core/messages/en.js';
import stringWidth from 'string-width';

// In terminal columns (a Chinese label takes two per character), so the table stays aligned;
// the engine does not reach into the terminal adapter for this.
const label = (text: string): string => text + ' '.repeat(Math.max(0, 14 - stringWidth(text)));

export function memoryText(v: MemoryView, m: Messages = en): string {
  const { report, window } = v;
  const num = m.number;
  const budget = report.budget ?? window.tokens;
  const rows = report.blocks.map((b) => `  ${label(m.memory.blocks[b.name] ?? b.name)}${num(b.tokens).padStart(7)}  ${m.memory.about(b.about)}`);
  return [
    m.memory.heading(num(window.tokens), m.memory.source(window.source)),
    ...rows,
    `  ${label(m.memory.total)}${num(report.tokens).padStart(7)}  ${m.memory.totals({ budget: num(budget), reply: num(v.replyTokens), margin: num(v.margin) })}`,
    report.cuts.length ? m.memory.trimmed(report.cuts.map((c) => m.memory.cut(c)).join(m.memory.cutSeparator)) : m.memory.nothingTrimmed,
  ].join('\n');
}

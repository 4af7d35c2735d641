/** `/memory`: what the model is sent, block by block, as a small table. */
import type { MemoryView } from './ports.js';

const LABELS: Record<string, string> = {
  system: 'system prompt',
  examples: 'examples',
  summary: 'summary',
  turns: 'recent turns',
  lore: 'lore',
  current: 'state + input',
};

const num = (n: number): string => n.toLocaleString('en-US');

export function memoryText(v: MemoryView): string {
  const { report, window } = v;
  const budget = report.budget ?? window.tokens;
  const rows = report.blocks.map((b) => `  ${(LABELS[b.name] ?? b.name).padEnd(14)}${num(b.tokens).padStart(7)}  ${b.detail}`);
  const source = window.source === 'default' ? 'assumed' : window.source === 'config' ? 'configured' : `from ${window.source}`;
  return [
    `What the model is sent now (tokens, estimated; the window is ${num(window.tokens)}, ${source}):`,
    ...rows,
    `  ${'total'.padEnd(14)}${num(report.tokens).padStart(7)}  of ${num(budget)} for the prompt (${num(v.replyTokens)} kept for the reply, ${num(v.margin)} margin)`,
    report.trimmed.length ? `Left out to fit: ${report.trimmed.join('; ')}.` : 'Nothing was left out.',
  ].join('\n');
}

/** `promptquest saves show <slot>`: what a save holds, and its main line in short. */
import { mainLine, fold, summarize, type Header } from '../core/journal.js';
import type { ParsedJournal } from '../adapters/file-store.js';
import { journalTokens, costOf, tokensLine } from '../core/usage.js';
import type { Prices } from '../core/settings.js';

/** Prices from the config, only when the file has them: reading it must not stop `saves show`. */
async function configuredPrices(): Promise<Prices | undefined> {
  try {
    const { readConfigFile, readConfigValues } = await import('../adapters/config.js');
    return readConfigValues(readConfigFile(io().env)).values.prices;
  } catch {
    return undefined;
  }
}
import { clip, findSave, lineWidth, shortTime } from './saved-games.js';
import { io } from './io.js';

const out = (line = '') => io().stdout.write(`${line}\n`);

function narratorLine(h: Header): string {
  if (h.provider === 'offline') return 'offline (the pack\'s authored script)';
  return `openai-compatible, model ${h.model ?? '?'}${h.base_url ? ` at ${h.base_url}` : ''}`;
}

function details(slot: string, file: string, sample: boolean, save: ParsedJournal, prices: Prices | undefined): [string, string][] {
  const h = save.header;
  const s = summarize(h, save.events);
  const rows: [string, string][] = [
    ['slot', `${slot}${sample ? ' (bundled sample, read-only)' : ''}`],
    ['file', file],
    ['pack', `${h.pack.id} ${h.pack.version} (hash ${h.pack.hash})${h.pack.dir ? ` from ${h.pack.dir}` : ''}`],
    ['narrator', narratorLine(h)],
    ['created', shortTime(h.created)],
    ['last played', shortTime(s.lastPlayed)],
  ];
  if (h.forked_from) rows.push(['forked from', `"${h.forked_from.slot}" at turn ${h.forked_from.turn}`]);
  const vars = Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(', ');
  if (vars) rows.push(['player', vars]);
  if (save.format !== h.format) rows.push(['format', `${save.format} (read as ${h.format}; rewritten, with a .bak backup, at the next turn played)`]);
  rows.push(['turns', `${s.turns} on the main line${s.offLine ? `, ${s.offLine} more kept off it (undone, branches, retries)` : ''}`]);
  rows.push(['ending', s.ending ? `${s.ending.outcome}: ${s.ending.reason}` : '— (not finished)']);
  const tokens = journalTokens(save.events);
  if (tokens.reported) rows.push(['tokens', `${tokensLine(tokens, costOf(tokens, h.model, prices))} over ${tokens.reported} turns and summaries`]);
  const folds = save.events.filter((e) => e.type === 'summary').length;
  if (folds) rows.push(['memory', `${folds} summary fold${folds === 1 ? '' : 's'} of older turns`]);
  return rows;
}

export async function showSave(slotArg: string, opts: { json?: boolean | undefined }): Promise<number> {
  const { store, slot, sample } = await findSave(slotArg);
  const save = await store.load(slot);
  const prices = await configuredPrices();
  for (const w of save.warnings) io().stderr.write(`${w}\n`);
  const line = mainLine(fold(save.events));
  if (opts.json) {
    const turns = line.map((e, i) => ({ turn: i + 1, said: e.said, narration: e.turn.narration, game_over: e.turn.game_over, usage: e.usage, at: e.at }));
    const tokens = journalTokens(save.events);
    out(JSON.stringify({ type: 'save', slot, sample, file: store.describe(slot), format: save.format, header: save.header, turns, tokens: { ...tokens, cost: costOf(tokens, save.header.model, prices) } }));
    return 0;
  }
  const rows = details(slot, store.describe(slot), sample, save, prices);
  for (const [k, v] of rows) out(`${`${k}:`.padEnd(13)}${clip(v, lineWidth() - 13)}`);
  out();
  out('Main line:');
  const width = lineWidth() - 6;
  line.forEach((e, i) => {
    const n = String(i + 1).padStart(4);
    const used = e.usage ? `  [${(e.usage.prompt_tokens + e.usage.completion_tokens).toLocaleString('en-US')} tokens]` : '';
    if (e.said !== null) out(`${n}  > ${clip(e.said, width - 2 - used.length)}${used}`);
    out(`${e.said !== null ? '    ' : n}  ${clip(e.turn.narration, width)}`);
  });
  return 0;
}

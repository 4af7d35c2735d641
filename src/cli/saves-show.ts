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
import { clip, commandWords, findSave, lineWidth, shortTime } from './saved-games.js';
import { displayWidth, padEnd } from '../adapters/ui/width.js';
import type { Messages } from '../core/messages/en.js';
import { io } from './io.js';

const out = (line = '') => io().stdout.write(`${line}\n`);

function narratorLine(h: Header, w: Messages['saves']): string {
  return h.provider === 'offline' ? w.offline : w.model(h.model ?? '?', h.base_url ?? null);
}

function details(slot: string, file: string, sample: boolean, save: ParsedJournal, prices: Prices | undefined, m: Messages): [string, string][] {
  const w = m.saves;
  const r = w.rows;
  const h = save.header;
  const s = summarize(h, save.events);
  const rows: [string, string][] = [
    [r.slot, `${slot}${sample ? w.sample : ''}`],
    [r.file, file],
    [r.pack, `${h.pack.id} ${h.pack.version} (hash ${h.pack.hash})${h.pack.dir ? w.packFrom(h.pack.dir) : ''}`],
    [r.narrator, narratorLine(h, w)],
    [r.created, shortTime(h.created)],
    [r.lastPlayed, shortTime(s.lastPlayed)],
  ];
  if (h.forked_from) rows.push([r.forkedFrom, w.forkedFrom(h.forked_from.slot, h.forked_from.turn)]);
  const vars = Object.entries(h.vars).map(([k, v]) => `${k}=${v}`).join(', ');
  if (vars) rows.push([r.player, vars]);
  if (save.format !== h.format) rows.push([r.format, w.formatRead(save.format, h.format)]);
  rows.push([r.turns, w.turnsValue(s.turns, s.offLine)]);
  rows.push([r.ending, s.ending ? `${s.ending.outcome}: ${s.ending.reason}` : w.notFinished]);
  const tokens = journalTokens(save.events);
  if (tokens.reported) rows.push([r.tokens, w.tokensOver(tokensLine(tokens, costOf(tokens, h.model, prices), m), tokens.reported)]);
  const folds = save.events.filter((e) => e.type === 'summary').length;
  if (folds) rows.push([r.memory, w.folds(folds)]);
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
  const m = await commandWords(save.header);
  const rows = details(slot, store.describe(slot), sample, save, prices, m);
  // The labels' column: 13, or wider for a longer label (by display width: a Chinese one counts two a character).
  const labelW = Math.max(13, ...rows.map(([k]) => displayWidth(m.saves.label(k)) + 1));
  for (const [k, v] of rows) out(`${padEnd(m.saves.label(k), labelW)}${clip(v, lineWidth() - labelW)}`);
  out();
  out(m.saves.mainLine);
  const width = lineWidth() - 6;
  line.forEach((e, i) => {
    const n = String(i + 1).padStart(4);
    const used = e.usage ? `  [${m.saves.turnTokens((e.usage.prompt_tokens + e.usage.completion_tokens).toLocaleString('en-US'))}]` : '';
    if (e.said !== null) out(`${n}  > ${clip(e.said, width - 2 - used.length)}${used}`);
    out(`${e.said !== null ? '    ' : n}  ${clip(e.turn.narration, width)}`);
  });
  return 0;
}

/** `promptquest pack validate <dir>`: every problem of a pack, each with file, line, key and what is expected. */
import type { Pack } from '../core/pack.js';
import { safeJson, sanitizeText } from '../core/sanitize.js';
import { formatProblem, inspectPack, locatePack } from '../adapters/pack-loader.js';
import { homeDir } from '../adapters/paths.js';
import { io } from './io.js';

export interface PackSummary {
  id: string;
  version: string;
  /** The pack format version the manifest declares (1 when it says none). */
  format: number;
  scenes: number;
  endings: number;
  riddles: number;
  tests: number;
  lore: number;
  examples: number;
}

export function summarise(pack: Pack, tests: number): PackSummary {
  const scenes = Object.values(pack.script?.scenes ?? {});
  return {
    id: pack.manifest.id,
    version: pack.manifest.version,
    format: pack.manifest.format,
    scenes: scenes.length,
    endings: scenes.filter((s) => s.ending).length,
    riddles: scenes.filter((s) => s.riddle).length + (pack.script ? 0 : (pack.riddles?.length ?? 0)),
    tests,
    lore: pack.lore.length,
    examples: pack.examples.length,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summaryLine(s: PackSummary, warnings: number): string {
  const parts = s.scenes
    ? [plural(s.scenes, 'scene'), plural(s.endings, 'ending'), plural(s.riddles, 'riddle'), plural(s.tests, 'test')]
    : ['no script (plays with a model only)', plural(s.examples, 'example'), `${s.lore} lore ${s.lore === 1 ? 'entry' : 'entries'}`, ...(s.riddles ? [plural(s.riddles, 'engine-judged riddle')] : [])];
  return `OK: ${s.id} ${s.version}: ${parts.join(', ')}${warnings ? `; ${plural(warnings, 'warning')}` : ''}`;
}

function validateOne(dir: string, json: boolean): boolean {
  const report = inspectPack(dir);
  const errors = report.problems.filter((p) => !p.warning);
  const warnings = report.problems.length - errors.length;
  const ok = report.pack !== null && errors.length === 0;
  const summary = report.pack ? summarise(report.pack, report.tests.length) : null;
  if (json) {
    io().stdout.write(`${safeJson({ type: 'validate', ok, dir, problems: report.problems, summary })}\n`);
    return ok;
  }
  for (const p of report.problems) io().stderr.write(`${sanitizeText(formatProblem(p))}\n`);
  if (!ok) io().stderr.write(`${plural(errors.length, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: the pack in ${dir} is not valid\n`);
  else if (summary) io().stdout.write(`${summaryLine(summary, warnings)}\n`);
  return ok;
}

/** Exit 2 when any of the packs has an error; warnings alone pass. */
export function validate(refs: string[], json: boolean): number {
  const home = homeDir(io().env);
  const dirs = refs.map((ref) => locatePack(ref, home).dir);
  const results = dirs.map((dir) => validateOne(dir, json));
  return results.every(Boolean) ? 0 : 2;
}

/** {{var.NAME}} and friends in a pack's script text: filled when played, checked when loaded. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, inspectPack } from '../../src/adapters/pack-loader.js';
import { initialState } from '../../src/core/state.js';
import { openingTurn, planTurn } from '../../src/engine/turn.js';
import type { Pack, Script } from '../../src/core/pack.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function pack(sceneText: string): ReturnType<typeof inspectPack> {
  const dir = mkdtempSync(join(tmpdir(), 'pq-placeholders-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'pack.yaml'), 'id: p\ntitle: Hall of Names\nversion: "1"\nlanguage: en\nscript: script.yaml\nvariables:\n  - { name: name, prompt: "Name?", default: Wren }\n');
  writeFileSync(join(dir, 'system.md'), 'Narrate {{pack.title}} for {{var.name}}.');
  writeFileSync(
    join(dir, 'script.yaml'),
    [
      'start: hall',
      'scenes:',
      '  hall:',
      `    text: "${sceneText}"`,
      '    choices:',
      '      - { text: "Bow, {{var.name}}", goto: end, say: "They call you {{var.name}} of {{pack.title}}." }',
      '      - { text: Leave, goto: end }',
      '  end: { text: Done., ending: { outcome: end, reason: "{{var.name}} bowed out" } }',
      '',
    ].join('\n'),
  );
  return inspectPack(dir);
}

describe('placeholders in script text', () => {
  it('are filled with the player variables in the opening, the choices and what follows', () => {
    const { pack: p } = pack('Welcome to the hall, {{var.name}}.');
    expect(p).not.toBeNull();
    const scripted = p as Pack & { script: Script };
    const state = initialState(scripted.manifest, { name: 'Ada' }, scripted.script.start);
    const opening = openingTurn(scripted, state);
    expect(opening.narration).toBe('Welcome to the hall, Ada.');
    expect(opening.choices[0]).toBe('Bow, Ada');
    const plan = planTurn(scripted, state, '1', opening.choices);
    expect(plan.authored?.narration).toContain('They call you Ada of Hall of Names.');
    expect(plan.said).toBe('1. Bow, Ada');
    expect(plan.rails?.ending).toEqual({ outcome: 'end', reason: 'Ada bowed out' });
  });

  it('an unknown placeholder is an error naming the script file, line and key', () => {
    const report = pack('Welcome, {{var.nmae}}.');
    expect(report.pack).toBeNull();
    const lines = report.problems.map(formatProblem);
    expect(lines.some((l) => /script\.yaml:4: scenes\.hall\.text: unknown placeholder \{\{var\.nmae\}\}/.test(l))).toBe(true);
  });
});

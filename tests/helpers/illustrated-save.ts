/** A saved game with generated pictures, for the export tests: the Chinese sample plus two PNGs. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { makePng } from './png.js';
import { FORMAT_VERSION } from '../../src/core/journal.js';

export const HOSTILE = '<img src="http://203.0.113.9/track.png"><script>document.title="pwned"</script>';

/** Slot `pics` in `home`: ruins-sample, pictures for turns 1 and 3, and markup in turn 2's narration. */
export function illustratedSave(home: string): { saves: string; files: string[] } {
  const saves = join(home, 'saves');
  mkdirSync(saves, { recursive: true });
  const lines = readFileSync(join(ROOT, 'saves', 'ruins-sample.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  lines[0] = { ...lines[0], slot: 'pics', format: FORMAT_VERSION };
  const second = lines[2] as { turn: { narration: string } };
  second.turn.narration = `${second.turn.narration}\n\n${HOSTILE}`;
  const files = ['pics-t0.png', 'pics-t2.png'];
  writeFileSync(join(saves, files[0]!), makePng(640, 360));
  writeFileSync(join(saves, files[1]!), makePng(320, 180, [160, 90, 60]));
  const images = [0, 2].map((turn) => ({ type: 'image', turn, file: `pics-t${turn}.png`, prompt: 'a picture', model: 'test-image', at: '2026-12-01T12:00:00.000Z' }));
  writeFileSync(join(saves, 'pics.jsonl'), [...lines, ...images].map((l) => `${JSON.stringify(l)}\n`).join(''));
  return { saves, files };
}

/** `promptquest replay <slot>`: the definition; the replay itself (../replay.ts) loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { action } from '../run.js';

function speed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new InvalidArgumentError(`"${value}" is not a speed (a number above 0, at most 1000, e.g. 2 for twice as fast)`);
  return n;
}

export function replayCommand() {
  return new Command('replay')
    .description('re-show a saved game (yours or a bundled sample) without calling any model')
    .argument('<slot>', 'save slot (see: promptquest saves list)')
    .option('--instant', 'no typewriter: print everything at once (the default when not on a terminal)')
    .option('--speed <n>', 'typing speed on a terminal: 1 gentle (the default; config: speed), 2 twice as fast, 10 quick', speed)
    .option('--json', 'print the turn events as JSON Lines, like play --json')
    .action(action(async (slot, opts) => (await import('../replay.js')).replay(slot, opts)));
}

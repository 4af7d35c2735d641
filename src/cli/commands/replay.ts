/** `promptquest replay <slot>`: the definition; the replay itself (../replay.ts) loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function replayCommand() {
  return new Command('replay')
    .description('re-show a saved game (yours or a bundled sample) without calling any model')
    .argument('<slot>', 'save slot (see: promptquest saves list)')
    .option('--instant', 'no typewriter: print everything at once (the default when not on a terminal)')
    .option('--json', 'print the turn events as JSON Lines, like play --json')
    .action(action(async (slot, opts) => (await import('../replay.js')).replay(slot, opts)));
}

/** `promptquest continue [slot]`: the definition; resuming and forking (../continue.ts) load when it runs. */
import { Command } from '@commander-js/extra-typings';
import { integer, withSessionOptions } from '../options.js';
import { action } from '../run.js';

export function continueCommand() {
  return withSessionOptions(
    new Command('continue')
      .description('resume a saved game (the latest when no slot is given); with --from-turn N --slot NEW, fork it')
      .argument('[slot]', 'save slot')
      .option('--from-turn <n>', 'fork: keep turns 1..N in the new --slot', integer),
    { newGame: false },
  ).action(action(async (slot, opts) => (await import('../continue.js')).resume(slot, opts)));
}

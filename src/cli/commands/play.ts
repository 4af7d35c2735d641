/** `promptquest play [pack]`: the definition; the game itself (../play.ts) loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { withSessionOptions } from '../options.js';
import { action } from '../run.js';

export function playCommand() {
  return withSessionOptions(
    new Command('play')
      .description('start a new game (pack: a bundled id, a user pack id, or a folder; default: the config key pack, else lighthouse)')
      .argument('[pack]', 'pack id or folder'),
  ).action(action(async (packRef, opts) => (await import('../play.js')).play(packRef, opts)));
}

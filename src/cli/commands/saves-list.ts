/** `promptquest saves list`: the definition; the listing (../saves-list.ts) loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../../core/errors.js';
import { action } from '../run.js';

export function savesListCommand() {
  return new Command('list')
    .description('list saved games: slot, pack, turns, last played, ending (damaged saves too, and the bundled samples)')
    // `saves` runs list by default, so `saves bogus` arrives here as a stray word.
    .argument('[stray]')
    .usage('[options]')
    .option('--json', 'one JSON object per line: {"type":"save"|"damaged", ...}')
    .action(
      action(async (stray, opts) => {
        if (stray !== undefined) throw new UsageError(`unknown saves command "${stray}" (use: list, show <slot>, delete <slot>)`);
        return (await import('../saves-list.js')).listSaves(opts);
      }),
    );
}

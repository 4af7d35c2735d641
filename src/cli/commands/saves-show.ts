/** `promptquest saves show <slot>`: the definition; ../saves-show.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function savesShowCommand() {
  return new Command('show')
    .description('show a saved game: pack, narrator, dates, ending, and its main line in short')
    .argument('<slot>', 'save slot (yours, or a bundled sample)')
    .option('--json', 'print it as one JSON object')
    .action(action(async (slot, opts) => (await import('../saves-show.js')).showSave(slot, opts)));
}

/** `promptquest saves delete <slot>`: the definition; ../saves-delete.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function savesDeleteCommand() {
  return new Command('delete')
    .description('delete a saved game, its transcript and the pictures no other save names (asks first on a terminal; --yes to skip the question, required without a terminal)')
    .argument('<slot>', 'save slot')
    .option('-y, --yes', 'delete without asking')
    .action(action(async (slot, opts) => (await import('../saves-delete.js')).deleteSave(slot, opts)));
}

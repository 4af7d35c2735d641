/** `promptquest pack validate <dir...>`: the definition; ../pack-validate.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function packValidateCommand() {
  return new Command('validate')
    .description('check packs: every problem with file, line and key; exit 2 if any error')
    .argument('<dir...>', 'pack folders (or pack ids)')
    .option('--json', 'one JSON object per pack with every problem')
    .action(action(async (refs, opts) => (await import('../pack-validate.js')).validate(refs, opts.json ?? false)));
}

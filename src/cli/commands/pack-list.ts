/** `promptquest pack list`: the definition; ../pack-list.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function packListCommand() {
  return new Command('list')
    .description('list bundled packs and your own (in PROMPTQUEST_HOME/packs)')
    .option('--json', 'one JSON object per pack')
    .action(action(async (opts) => (await import('../pack-list.js')).printPacks(opts)));
}

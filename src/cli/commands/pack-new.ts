/** `promptquest pack new <dir>`: the definition; ../pack-new.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function packNewCommand() {
  return new Command('new')
    .description('create a starter pack in a new folder (asks a few questions on a terminal)')
    .argument('<dir>', 'folder to create (must be missing or empty)')
    .option('-y, --yes', 'do not ask: use the defaults and the flags below')
    .option('--id <id>', 'pack id (default: from the folder name)')
    .option('--title <title>', 'title')
    .option('--language <tag>', 'language tag, e.g. en or zh-CN (default: en)')
    .option('--author <name>', 'author')
    .action(action(async (dir, opts) => (await import('../pack-new.js')).newPack(dir, opts)));
}

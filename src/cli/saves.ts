/** `promptquest saves list | show <slot> | delete <slot>` (plain `saves` lists). */
import { Command } from '@commander-js/extra-typings';
import { listSaves, savesListCommand } from './saves-list.js';
import { savesShowCommand } from './saves-show.js';
import { savesDeleteCommand } from './saves-delete.js';
import { action } from './run.js';
import { UsageError } from '../core/errors.js';

export function savesCommand() {
  // Plain `saves` lists; `saves bogus` is an unknown subcommand, not a stray argument to list.
  return new Command('saves')
    .description('list, show or delete saved games (plain `saves` lists them)')
    .usage('[list | show <slot> | delete <slot>] [options]')
    .argument('[command]', 'list (the default), show or delete')
    .option('--json', 'one JSON object per save')
    .action(
      action(async (command, opts) => {
        if (command !== undefined) throw new UsageError(`unknown saves command "${command}" (use: list, show <slot>, delete <slot>)`);
        return listSaves(opts);
      }),
    )
    .addCommand(savesListCommand())
    .addCommand(savesShowCommand())
    .addCommand(savesDeleteCommand());
}

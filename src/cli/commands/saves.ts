/** `promptquest saves list | show <slot> | delete <slot>` (plain `saves` lists). */
import { Command } from '@commander-js/extra-typings';
import { savesListCommand } from './saves-list.js';
import { savesShowCommand } from './saves-show.js';
import { savesDeleteCommand } from './saves-delete.js';

export function savesCommand() {
  return new Command('saves')
    .description('list, show or delete saved games (plain `saves` lists them)')
    .usage('[list | show <slot> | delete <slot>] [options]')
    .addCommand(savesListCommand(), { isDefault: true })
    .addCommand(savesShowCommand())
    .addCommand(savesDeleteCommand());
}

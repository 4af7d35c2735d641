/** `promptquest pack ...`: write, check, preview and test prompt packs (docs/packs.md). */
import { Command } from '@commander-js/extra-typings';
import { packListCommand } from './pack-list.js';
import { packNewCommand } from './pack-new.js';
import { packValidateCommand } from './pack-validate.js';
import { packPreviewCommand } from './pack-preview.js';
import { packTestCommand } from './pack-test.js';

export function packCommand() {
  return new Command('pack')
    .description('list, create, validate, preview and test prompt packs (format: docs/packs.md)')
    .showSuggestionAfterError()
    .addCommand(packListCommand())
    .addCommand(packNewCommand())
    .addCommand(packValidateCommand())
    .addCommand(packPreviewCommand())
    .addCommand(packTestCommand());
}

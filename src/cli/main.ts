/** The commander program: one file per command, errors mapped to exit codes in run.ts. */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { playCommand } from './play.js';
import { continueCommand } from './continue.js';
import { VERSION } from './version.js';

const program = new Command('promptquest')
  .description('A terminal text adventure narrated by a language model — or offline by its authored script.')
  .version(VERSION)
  .showSuggestionAfterError()
  .exitOverride()
  .addCommand(playCommand())
  .addCommand(continueCommand());

program.commands.forEach((c) => c.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version are not errors; every usage error is exit 2.
    process.exitCode = err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  } else {
    throw err;
  }
}

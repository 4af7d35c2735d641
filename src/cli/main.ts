/** The commander program: one file per command, errors mapped to exit codes in run.ts. */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { playCommand } from './play.js';
import { continueCommand } from './continue.js';
import { savesCommand } from './saves.js';
import { replayCommand } from './replay.js';
import { configCommand } from './config.js';
import { packCommand } from './pack.js';
import { VERSION } from './version.js';
import { endQuietlyOnClosedPipe } from './run.js';

const program = new Command('promptquest')
  .description('A terminal text adventure narrated by a language model — or offline by its authored script.')
  .version(VERSION)
  .showSuggestionAfterError()
  .exitOverride()
  .addCommand(playCommand())
  .addCommand(continueCommand())
  .addCommand(savesCommand())
  .addCommand(replayCommand())
  .addCommand(configCommand())
  .addCommand(packCommand());

/** Usage errors of every subcommand, however deep, come back here as exit code 2. */
function overrideExits(cmd: { commands: readonly unknown[]; exitOverride(): unknown }): void {
  cmd.exitOverride();
  for (const sub of cmd.commands as (typeof cmd)[]) overrideExits(sub);
}
overrideExits(program);

endQuietlyOnClosedPipe();

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

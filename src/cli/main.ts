/**
 * The commander program: one file per command in commands/ (name, arguments, options, help),
 * each loading its implementation (a module of the same name here) only when it runs, so
 * --help and --version start without zod, yaml, conf, the openai SDK or the engine.
 * Errors are mapped to exit codes in run.ts.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { playCommand } from './commands/play.js';
import { continueCommand } from './commands/continue.js';
import { savesCommand } from './commands/saves.js';
import { replayCommand } from './commands/replay.js';
import { configCommand } from './commands/config.js';
import { packCommand } from './commands/pack.js';
import { exportCommand } from './commands/export.js';
import { VERSION } from './version.js';
import { UsageError } from '../core/errors.js';
import { endQuietlyOnClosedPipe, reportFailure } from './run.js';

const program = new Command('promptquest')
  .description('A terminal text adventure narrated by a language model — or offline by its authored script.')
  .version(VERSION)
  .showSuggestionAfterError()
  .exitOverride()
  .addCommand(playCommand())
  .addCommand(continueCommand())
  .addCommand(savesCommand())
  .addCommand(replayCommand())
  .addCommand(exportCommand())
  .addCommand(configCommand())
  .addCommand(packCommand());

interface Configurable {
  commands: readonly unknown[];
  exitOverride(): unknown;
  configureOutput(o: { outputError: (str: string, write: (str: string) => void) => void }): unknown;
}

/**
 * Usage errors of every subcommand, however deep, come back here as exit code 2, and are
 * printed here, not by commander (addCommand'ed subcommands inherit neither setting).
 */
function overrideExits(cmd: Configurable): void {
  cmd.exitOverride();
  cmd.configureOutput({ outputError: () => undefined });
  for (const sub of cmd.commands as Configurable[]) overrideExits(sub);
}
overrideExits(program);

/** --json anywhere before a `--`: the usage error is also an `error` event on stdout. */
const jsonWanted = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
};

/**
 * Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one of our lines and the
 * contract's error event, through run.ts's `action`, the one place that reports errors.
 */
function reportUsage(err: CommanderError): void {
  const message = err.message.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
  reportFailure(new UsageError(message), { json: jsonWanted(process.argv.slice(2)) });
}

endQuietlyOnClosedPipe();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version are not errors; every usage error is exit 2 (help shown for a missing
    // subcommand is already the message).
    const fine = err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    if (!fine && err.code !== 'commander.help') reportUsage(err);
    process.exitCode = fine ? 0 : 2;
  } else {
    throw err;
  }
}

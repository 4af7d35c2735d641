/**
 * The commander program: one file per command in commands/ (name, arguments, options, help),
 * each loading its implementation (a module of the same name here) only when it runs, so
 * --help and --version start without zod, yaml, conf, the openai SDK or the engine.
 * Errors are mapped to exit codes in run.ts. main(argv, io) runs one command with the given
 * streams, env and exit code (io.ts); bin/promptquest.js passes the process's.
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
import { maskReports, reportFailure } from './run.js';
import { colourLevel, processIo, withIo, type Io } from './io.js';

export { processIo, type Io };

/** A fresh program per run: commander keeps parsed options on its Command objects. */
const buildProgram = () => new Command('promptquest')
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
  configureOutput(o: {
    outputError: (str: string, write: (str: string) => void) => void;
    writeOut: (str: string) => void;
    writeErr: (str: string) => void;
    getOutHelpWidth: () => number | undefined;
    getErrHelpWidth: () => number | undefined;
  }): unknown;
}

/**
 * Usage errors of every subcommand, however deep, come back here as exit code 2, and are
 * printed here, not by commander (addCommand'ed subcommands inherit neither setting).
 */
function overrideExits(cmd: Configurable, io: Io): void {
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: () => undefined,
    // Help and version go to the run's own streams, wrapped as commander would for them.
    writeOut: (str) => io.stdout.write(str),
    writeErr: (str) => io.stderr.write(str),
    getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined),
    getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined),
  });
  for (const sub of cmd.commands as Configurable[]) overrideExits(sub, io);
}

/** --json anywhere before a `--`: the usage error is also an `error` event on stdout. */
const jsonWanted = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
};

/**
 * Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one of our lines and the
 * contract's error event, through run.ts's `action`, the one place that reports errors.
 */
function reportUsage(err: CommanderError, argv: readonly string[]): void {
  const message = err.message.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
  reportFailure(new UsageError(message), { json: jsonWanted(argv.slice(2)) });
}

/** Run one command line (argv as process.argv: node, script, args…); resolves to its exit code. */
export function main(argv: readonly string[], io: Io): Promise<number> {
  return withIo(io, async () => {
    io.exitCode = undefined;
    // The masker is set by a session for its own secrets; a run starts with none (in-process runs share the module).
    maskReports((s) => s);
    // chalk is loaded only if a run is not the process's own: --help must not load it (startup test).
    // Its level is the run's, and the process's own again afterwards.
    const chalk = io !== processIo ? (await import('chalk')).default : null;
    const processLevel = chalk?.level;
    if (chalk) chalk.level = colourLevel(io);
    const program = buildProgram();
    overrideExits(program, io);
    try {
      await program.parseAsync([...argv]);
    } catch (err) {
      if (!(err instanceof CommanderError)) throw err;
      // Help and version are not errors; every usage error is exit 2 (help shown for a missing
      // subcommand is already the message).
      const fine = err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
      if (!fine && err.code !== 'commander.help') reportUsage(err, argv);
      io.exitCode = fine ? 0 : 2;
    } finally {
      if (chalk && processLevel !== undefined) chalk.level = processLevel;
    }
    return io.exitCode ?? 0;
  });
}

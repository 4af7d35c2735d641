/**
 * What a command reads and writes: its streams, its environment and its exit code. main() runs
 * each command inside one Io; bin/promptquest.js passes the process's own, tests pass their own
 * and run the CLI in this process (tests/helpers/cli.ts runMain).
 *
 * The Io travels by AsyncLocalStorage, not as a parameter: the commands reach it where they
 * used `process.*`, so no command's signature had to change, and two in-process runs (a test's
 * Promise.all) each see their own even when their awaits interleave. Adapters do not import
 * this: the cli passes them streams and env.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Io {
  /** Streams with isTTY (and columns) where the real ones have them. */
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  /** Set by the command (run.ts); main() returns it. */
  exitCode: number | undefined;
}

/** The process's own; getters, because process.stdin makes its stream when first asked for it. */
export const processIo: Io = {
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get env() {
    return process.env;
  },
  get exitCode() {
    return process.exitCode === undefined ? undefined : Number(process.exitCode);
  },
  set exitCode(code) {
    process.exitCode = code;
  },
};

const current = new AsyncLocalStorage<Io>();

/** The Io of the command running now; outside main() (unit tests calling a command), the process's. */
export const io = (): Io => current.getStore() ?? processIo;

export const withIo = <T>(given: Io, fn: () => T): T => current.run(given, fn);

/**
 * chalk picks its colour level once, from the process's stdout and env; an in-process run
 * says its own (NO_COLOR as render.ts reads it, FORCE_COLOR, else a terminal has basic colour).
 */
export function colourLevel(given: Io): 0 | 1 | 2 | 3 {
  const force = given.env.FORCE_COLOR;
  if (given.env.NO_COLOR) return 0;
  if (force === '0' || force === 'false') return 0;
  if (force === '1' || force === '2' || force === '3') return Number(force) as 1 | 2 | 3;
  if (force === '' || force === 'true') return 1;
  return given.stdout.isTTY && given.env.TERM !== 'dumb' ? 1 : 0;
}

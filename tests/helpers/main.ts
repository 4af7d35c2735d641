/**
 * The CLI run in this process: main(argv, io) from src/cli/main.ts with piped-like streams,
 * the same environment runCli gives a child, and the same CliResult. A spawned piped `play`
 * costs ~0.5 s of start-up (node, zod, yaml, the engine) every time; here the modules load once
 * per worker. Command tests use this; runCli stays for what needs a real process (signals,
 * kill -9, EPIPE, a real pipe's backpressure, module loading, bin/).
 *
 * Runs are one at a time per worker: a game takes the process's SIGINT listeners for
 * itself while it runs, and chalk's colour level is the process's, so two runs at once could
 * see each other's. Tests that start several runs with Promise.all still work; they queue.
 */
import { resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { BIN, cleanEnv, tempHome, type CliOptions, type CliResult } from './cli.js';
import { main, type Io } from '../../src/cli/main.js';

/** What a pipe looks like to the CLI: no isTTY, no columns. */
function collector(): { stream: NodeJS.WriteStream; text: () => string } {
  const decoder = new StringDecoder('utf8');
  let text = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

function stdinOf(input: CliOptions['input']): NodeJS.ReadStream {
  const stdin = new PassThrough();
  stdin.end(input === undefined ? '' : Array.isArray(input) ? input.map((l) => `${l}\n`).join('') : input);
  return stdin as unknown as NodeJS.ReadStream;
}

let queue: Promise<unknown> = Promise.resolve();

/** runCli's twin, in this process. `cwd` must be this process's (it cannot change per run). */
export function runMain(args: string[], o: CliOptions = {}): Promise<CliResult> {
  if (o.cwd !== undefined && resolve(o.cwd) !== process.cwd()) throw new Error(`runMain runs in ${process.cwd()}; use runCli for cwd ${o.cwd}`);
  const run = queue.then(() => runNow(args, o));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], o: CliOptions): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const io: Io = { stdin: stdinOf(o.input), stdout: stdout.stream, stderr: stderr.stream, env: cleanEnv(o.home ?? tempHome(), o.env), exitCode: undefined };
  const limit = o.timeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  // A generous deadline, as runCli's kill: a run that hangs fails its test with what it printed, and frees the queue.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`promptquest ${args.join(' ')} did not finish within ${limit} ms\nstdout: ${stdout.text()}\nstderr: ${stderr.text()}`)), limit);
  });
  try {
    const code = await Promise.race([main([process.execPath, BIN, ...args], io), deadline]);
    return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one place that turns errors into a line on stderr and an exit code.
 * Stack traces only with DEBUG=promptquest.
 */
import { InterruptedError, RuntimeFailure, UsageError } from '../core/errors.js';
import { sanitizeText } from '../core/sanitize.js';
import { io } from './io.js';

export const debugging = (): boolean => /(^|,)\s*(promptquest|\*)\s*(,|$)/.test(io().env.DEBUG ?? '');

/** 2 usage, 1 runtime failure (and bugs), 130 interrupted: each error class carries its own. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof RuntimeFailure || err instanceof InterruptedError) return err.exitCode;
  return 1;
}

/** The one line a user sees for an error (without the "promptquest:" prefix). */
export function errorLine(err: unknown): string {
  if (err instanceof InterruptedError) return err.message;
  if (err instanceof UsageError) return err.message;
  if (err instanceof RuntimeFailure) return `${err.message}${err.hint ? ` — ${err.hint}` : ''}`;
  const msg = err instanceof Error ? err.message : String(err);
  return `unexpected error: ${msg}${debugging() ? '' : ' (run with DEBUG=promptquest for details)'}`;
}

export function reportError(err: unknown): void {
  const line = (s: string) => io().stderr.write(`${sanitizeText(s)}\n`);
  line(err instanceof InterruptedError ? errorLine(err) : `promptquest: ${errorLine(err)}`);
  if (err instanceof UsageError) for (const d of err.details) line(`  ${d}`);
  if (debugging() && err instanceof Error && err.stack) io().stderr.write(`${err.stack}\n`);
}

/** Wrap a command action: errors become one line and the right exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      io().exitCode = code ?? 0;
    } catch (err) {
      reportFailure(err, { json: wantsJson(args) });
    }
  };
}

/** The one way a failure reaches the user: a line on stderr, the exit code, and with --json an event. */
export function reportFailure(err: unknown, o: { json: boolean }): void {
  reportError(err);
  io().exitCode = exitCodeFor(err);
  // Scripts reading --json see the failure on stdout too, as the contract's `error` event.
  if (o.json) io().stdout.write(`${JSON.stringify({ type: 'error', message: sanitizeText(errorLine(err)), exit_code: io().exitCode })}\n`);
}

/** Commander passes the command last; its options say whether --json was asked for. */
function wantsJson(args: unknown[]): boolean {
  const cmd = args.at(-1) as { opts?: () => Record<string, unknown> } | undefined;
  return typeof cmd?.opts === 'function' && cmd.opts().json === true;
}

/** `promptquest replay x | head`: a reader that stops early is not an error (every turn is saved). */
export function endQuietlyOnClosedPipe(): void {
  // The process's own stdout and exit code: bin/ installs this once, for the process.
  /* eslint-disable no-restricted-properties */
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  /* eslint-enable no-restricted-properties */
}

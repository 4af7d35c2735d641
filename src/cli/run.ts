/**
 * The one place that turns errors into a line on stderr and an exit code.
 * Stack traces only with DEBUG=promptquest.
 */
import { InterruptedError, RuntimeFailure, UsageError } from '../core/errors.js';
import { sanitizeText } from '../core/sanitize.js';

export const debugging = (): boolean => /(^|,)\s*(promptquest|\*)\s*(,|$)/.test(process.env.DEBUG ?? '');

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof InterruptedError) return 130;
  return 1;
}

export function reportError(err: unknown): void {
  const line = (s: string) => process.stderr.write(`${sanitizeText(s)}\n`);
  if (err instanceof InterruptedError) line('Interrupted. Every finished turn is saved.');
  else if (err instanceof UsageError) {
    line(`promptquest: ${err.message}`);
    for (const d of err.details) line(`  ${d}`);
  } else if (err instanceof RuntimeFailure) {
    line(`promptquest: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`);
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    line(`promptquest: unexpected error: ${msg}${debugging() ? '' : ' (run with DEBUG=promptquest for details)'}`);
  }
  if (debugging() && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

/** Wrap a command action: errors become one line and the right exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (err) {
      reportError(err);
      process.exitCode = exitCodeFor(err);
    }
  };
}

/** `promptquest replay x | head`: a reader that stops early is not an error (every turn is saved). */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

/**
 * The one place that turns errors into a line on stderr and an exit code.
 * Stack traces only with DEBUG=promptquest.
 */
import { InterruptedError, QuitAfterFailure, RuntimeFailure, UsageError } from '../core/errors.js';
import { sanitizeText } from '../core/sanitize.js';
import { io } from './io.js';

/**
 * Hides the credentials this process holds (the key, a password in the base URL) in every error
 * line, JSON error event and DEBUG trace: an error may quote a server that echoed them. Set by
 * the session once it knows them (core/secrets.ts), so `--help` does not load the masker.
 */
let mask = (s: string): string => s;
export function maskReports(masker: (s: string) => string): void {
  mask = masker;
}
/** Terminal-safe and credential-free: what every report line goes through. */
const shown = (s: string): string => sanitizeText(mask(s));

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

/**
 * How error lines are wrapped on a terminal, once a game session has loaded the terminal's
 * wrapper (--help and --version must not load it): between words, so the terminal never cuts
 * a slot name or a resume command. Before that, and on a pipe, a line is left as it is.
 */
let layout: ((text: string, width: number) => string) | null = null;
export const useErrorLayout = (wrap: (text: string, width: number) => string): void => {
  layout = wrap;
};
const fitted = (text: string): string => (layout && io().stderr.isTTY && io().stderr.columns ? layout(text, io().stderr.columns) : text);

export function reportError(err: unknown): void {
  const line = (s: string) => io().stderr.write(`${fitted(shown(s))}\n`);
  // Shown at the try-again menu already; the exit code still says the session ended on it.
  if (!(err instanceof QuitAfterFailure)) line(err instanceof InterruptedError ? errorLine(err) : `promptquest: ${errorLine(err)}`);
  if (err instanceof UsageError) for (const d of err.details) line(`  ${d}`);
  if (debugging() && err instanceof Error && err.stack) io().stderr.write(`${mask(err.stack)}\n`);
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
  if (o.json) io().stdout.write(`${JSON.stringify({ type: 'error', message: shown(errorLine(err)), exit_code: io().exitCode })}\n`);
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

/**
 * Errors a user sees as one line. The CLI maps them to exit codes; anything else
 * is a bug and shows a stack trace only with DEBUG=promptquest.
 */

/** Bad usage or bad input: unknown pack, invalid pack or save, bad slot name. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  /** Further lines (e.g. every problem of a pack), printed after the message. */
  constructor(message: string, readonly details: string[] = []) {
    super(message);
  }
}

/** A runtime failure: model unreachable, never answering in the format. Exit 1. */
export class RuntimeFailure extends Error {
  readonly exitCode = 1;
  constructor(message: string, readonly hint: string | null = null) {
    super(message);
  }
}

/** Ctrl-C at a prompt; exit 130. The message says what was kept. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(message = 'Interrupted. Every finished turn is saved.') {
    super(message);
  }
}

/** Ctrl-C (or an abort) inside an inquirer prompt, which reports it by these error names. */
export const isPromptInterrupt = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');

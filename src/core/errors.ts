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

/** A pack reference that names no bundled pack, user pack or folder. Exit 2. */
export class UnknownPack extends UsageError {
  constructor(readonly ref: string, packsDir: string) {
    super(`unknown pack "${ref}": not a bundled pack, not in ${packsDir}, not a folder (see: promptquest pack list)`);
  }
}

/** A runtime failure: model unreachable, never answering in the format. Exit 1. */
export class RuntimeFailure extends Error {
  readonly exitCode = 1;
  constructor(message: string, readonly hint: string | null = null) {
    super(message);
  }
}

/**
 * A failure the player has read already (the try-again menu showed it) and chose to quit on:
 * still exit 1, but the session says where the game is saved instead of repeating the failure.
 */
export class QuitAfterFailure extends RuntimeFailure {
  constructor(failure: RuntimeFailure) {
    super(failure.message, failure.hint);
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

/** What an errno code means to a player, in a few words. */
const DISK_WORDS: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EIO: 'input/output error',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
};

/** "disk full (ENOSPC)"; an unknown code is named as it is. */
export const diskProblem = (code: string): string => (DISK_WORDS[code] ? `${DISK_WORDS[code]} (${code})` : `file system error (${code})`);

/**
 * Writing a save failed on the disk (full, read-only, no permission, I/O error): nothing of
 * that write is left in the file. Exit 1. The engine turns it into SaveFailed, which names the turn.
 */
export class WriteFailed extends RuntimeFailure {
  constructor(readonly file: string, readonly code: string, what = 'save') {
    super(`could not write the ${what} ${file}: ${diskProblem(code)}; nothing was saved`, 'free some space (or fix the folder) and try again');
  }
}

/**
 * Turn `turn` (a turn number, 1 for the opening) could not be saved; everything before it is.
 * For an undo, redo or select (`move`), `turn` is the turn it was made from. Exit 1.
 */
export class SaveFailed extends RuntimeFailure {
  /** `resume` is the command that goes on ("promptquest continue <slot>"). */
  constructor(readonly turn: number, readonly code: string, readonly file: string, resume: string, readonly move: string | null = null) {
    const kept = move !== null ? `nothing up to turn ${turn} is lost` : turn > 1 ? `nothing after turn ${turn - 1} is lost` : 'nothing was played yet';
    super(`could not save ${move ?? `turn ${turn}`}: ${diskProblem(code)} — ${kept}; free some space and run: ${resume}`);
  }
}

/** A save whose content is damaged (not a torn last line): refused, never shortened. Exit 2. */
export class SaveDamaged extends UsageError {
  /** `line` is 1-based; null when the damage is in no one line (an empty file). */
  constructor(readonly file: string, readonly line: number | null, readonly problem: string) {
    super(`${file}${line === null ? '' : `:${line}`}: ${problem}`);
  }
}

/** A save path that is not a readable regular file (a folder, a FIFO, no permission). Exit 2. */
export class SaveUnreadable extends UsageError {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** Another PromptQuest process holds the slot. Exit 2; nothing was changed. */
export class SlotBusy extends UsageError {
  /** `elsewhere`: the lock was written on another host or in another container, where this PromptQuest cannot see whether its process still runs. */
  constructor(readonly slot: string, readonly pid: number, readonly elsewhere: { host: string; file: string } | null = null) {
    super(
      elsewhere
        ? `slot "${slot}" is open in another PromptQuest (pid ${pid} on ${elsewhere.host}, which this one cannot check); nothing was changed — if it is not running any more, delete ${elsewhere.file}`
        : `slot "${slot}" is open in another PromptQuest (pid ${pid}); nothing was changed`,
    );
  }
}

/** An append whose turn id is not the file's next id: someone else wrote the file. Exit 2. */
export class SaveConflict extends UsageError {
  constructor(readonly file: string, readonly id: number, readonly expected: number) {
    super(`${file}: refusing to save turn id ${id}: the file's next id is ${expected} (was it changed by another PromptQuest?); nothing was changed`);
  }
}

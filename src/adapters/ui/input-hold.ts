/**
 * Keys typed while a turn is being narrated: held (not echoed into the story) and handed
 * to the next prompt as if typed there. The terminal is put in raw mode for that time, so
 * Ctrl-C arrives as a byte: it is raised as the SIGINT it would have been (the session
 * cancels the request on it).
 */
const CTRL_C = 0x03;

const ENTER = new Set([0x0d, 0x0a]);

/**
 * The held keys less every Enter with nothing typed before it: a second Enter pressed while the
 * model was still writing would otherwise take the next menu's highlighted choice (a turn, a
 * retry, a continuation) before the player has seen it. An Enter after typed text or an arrow
 * key is what the player meant, and is kept.
 */
export function withoutBareEnters(typed: Buffer): Buffer {
  const kept: number[] = [];
  let lineHasKeys = false;
  for (const byte of typed) {
    if (ENTER.has(byte)) {
      if (lineHasKeys) kept.push(byte);
      lineHasKeys = false;
    } else {
      kept.push(byte);
      lineHasKeys = true;
    }
  }
  return Buffer.from(kept);
}

export class InputHold {
  private held: Buffer[] = [];
  private holding = false;

  constructor(private readonly input: NodeJS.ReadStream = process.stdin) {}

  start(): void {
    if (this.holding || !this.input.isTTY) return;
    this.holding = true;
    this.input.setRawMode(true);
    this.input.on('data', this.onData);
    this.input.resume();
  }

  private readonly onData = (data: Buffer): void => {
    let rest = data;
    for (let at = rest.indexOf(CTRL_C); at >= 0; at = rest.indexOf(CTRL_C)) {
      this.held.push(rest.subarray(0, at));
      rest = rest.subarray(at + 1);
      process.kill(process.pid, 'SIGINT');
    }
    if (rest.length) this.held.push(rest);
  };

  /** Give the terminal back when no prompt follows (the game is over): what was typed is dropped. */
  release(): void {
    this.held = [];
    if (!this.holding) return;
    this.holding = false;
    this.input.off('data', this.onData);
    this.input.pause();
    this.input.setRawMode(false);
  }

  /**
   * Hand the held keys to the prompt just started, once it listens. Inquirer drops what arrives
   * before its first render (one setImmediate, to shed stale keys), so the hold goes on catching
   * keys until then: a key typed in that gap would otherwise be lost (a "2" then Enter became
   * choice 1). The prompt owns the terminal by then, so its raw mode is left as it set it.
   */
  handOver(): void {
    setImmediate(() => {
      const typed = Buffer.concat(this.held);
      this.held = [];
      if (this.holding) {
        this.holding = false;
        this.input.off('data', this.onData);
      }
      const kept = withoutBareEnters(typed);
      if (kept.length) this.input.unshift(kept);
    });
  }
}

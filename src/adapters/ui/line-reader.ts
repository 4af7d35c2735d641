/**
 * One input per line from a pipe or file. Inquirer would hang on a closed pipe,
 * so non-TTY input is read here; at end of input `next()` resolves null. Reading
 * pauses while lines wait unread: `yes 1 | promptquest play` must not buffer
 * an endless stream until memory runs out.
 */
import { createInterface, type Interface } from 'node:readline';

/** Pause the input once this many lines wait; resume when they are down to a quarter. */
const HIGH_WATER = 256;

export class LineReader {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | null) => void)[] = [];
  private closed = false;
  private readonly rl: Interface;

  constructor(input: NodeJS.ReadableStream = process.stdin) {
    const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    this.rl = rl;
    rl.on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else if (this.lines.push(line) >= HIGH_WATER) rl.pause();
    });
    rl.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
  }

  next(): Promise<string | null> {
    const line = this.lines.shift();
    if (this.lines.length <= HIGH_WATER / 4 && !this.closed) this.rl.resume();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Let go of stdin, so a game that ended does not wait for input nobody will give. */
  close(): void {
    this.rl.close();
  }
}

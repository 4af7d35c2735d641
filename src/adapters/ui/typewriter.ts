/**
 * A gentle typewriter for replays on a terminal: text appears a character at a
 * time, long passages speed up so no turn takes more than a few seconds, and
 * `skip()` (any key) shows everything that is left at once.
 */
export interface TypewriterOptions {
  /** Delay per character for short texts. */
  msPerChar: number;
  /** Upper bound for one text: longer ones type faster. */
  maxMsPerText: number;
}

export const GENTLE: TypewriterOptions = { msPerChar: 14, maxMsPerText: 3500 };

/** GENTLE at `speed` times the pace (2: twice as fast). */
export const atSpeed = (speed: number): TypewriterOptions => ({ msPerChar: GENTLE.msPerChar / speed, maxMsPerText: GENTLE.maxMsPerText / speed });

/** Below this a timer cannot keep up, so several characters go out per tick. */
const MIN_TICK_MS = 8;

const graphemes = (text: string): string[] => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

export class Typewriter {
  private skipped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly out: NodeJS.WritableStream, private readonly o: TypewriterOptions = GENTLE) {}


  /** Show the rest at once, ending any pause in progress. */
  skip(): void {
    this.skipped = true;
    this.wake?.();
  }

  async type(text: string): Promise<void> {
    const parts = graphemes(text);
    const delay = Math.min(this.o.msPerChar, this.o.maxMsPerText / Math.max(1, parts.length));
    const perTick = Math.max(1, Math.ceil(MIN_TICK_MS / Math.max(delay, 0.001)));
    for (let i = 0; i < parts.length; i += perTick) {
      if (this.skipped) {
        this.out.write(parts.slice(i).join(''));
        return;
      }
      this.out.write(parts.slice(i, i + perTick).join(''));
      await this.pause(delay * perTick);
    }
  }

  pause(ms: number): Promise<void> {
    if (this.skipped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

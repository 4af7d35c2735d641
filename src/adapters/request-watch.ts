/**
 * Two guards around one streaming request: a watchdog for silence (and Ctrl-C),
 * and the live narration shown meanwhile, voided before it could be shown twice.
 */
import OpenAI from 'openai';
import type { NarrateOptions } from '../engine/ports.js';
import { DeadlinePassed, Stalled } from './openai-errors.js';

/**
 * Ends a request when the server goes silent for `ms`: no headers, no tokens.
 * The SDK's own timeout covers only the wait for headers, so a stream stalling
 * halfway would hang the game. It also makes Ctrl-C act at once: the SDK sleeps
 * through a Retry-After without looking at the abort signal. And it ends a request
 * that is not silent but never finishes (a slow endless stream) at `deadlineMs`.
 */
export class Watchdog {
  private readonly own = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly deadline: NodeJS.Timeout | undefined;
  private stalled = false;
  private expired = false;
  readonly signal: AbortSignal;

  constructor(private readonly ms: number, private readonly outer: AbortSignal | undefined, private readonly deadlineMs = Infinity) {
    this.signal = outer ? AbortSignal.any([outer, this.own.signal]) : this.own.signal;
    if (Number.isFinite(deadlineMs)) {
      this.deadline = setTimeout(() => {
        this.expired = true;
        clearTimeout(this.timer);
        this.own.abort();
      }, deadlineMs);
    }
    this.kick();
  }

  /** A sign of life: start the silence over. */
  kick(): void {
    clearTimeout(this.timer);
    if (this.expired) return;
    this.timer = setTimeout(() => {
      this.stalled = true;
      this.own.abort();
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
  }

  /** Why the request was stopped, or null if it was not. */
  cause(): Error | null {
    if (this.outer?.aborted) return new OpenAI.APIUserAbortError();
    if (this.expired) return new DeadlinePassed(this.deadlineMs / 1000);
    return this.stalled ? new Stalled(this.ms / 1000) : null;
  }

  /** `pending`, or a rejection as soon as the request is stopped. */
  race<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(this.cause() ?? new OpenAI.APIUserAbortError());
      if (this.signal.aborted) return stop();
      this.signal.addEventListener('abort', stop, { once: true });
      void pending.then(resolve, reject).finally(() => this.signal.removeEventListener('abort', stop));
    });
  }
}

/** Narration shown live; voided (onRestart) before anything could be shown twice or linger. */
export class LiveText {
  private shown = false;
  readonly onText: ((delta: string) => void) | undefined;

  constructor(private readonly o: NarrateOptions) {
    const show = o.onText;
    this.onText = show
      ? (delta) => {
          this.shown = true;
          show(delta);
        }
      : undefined;
  }

  void(): void {
    if (!this.shown) return;
    this.shown = false;
    this.o.onRestart?.();
  }
}

/**
 * `/transcript on|off`: a plain-text record of the game as it is played (like Frotz's SCRIPT),
 * each turn written as it is shown, in the text storybook's layout. A failing disk turns it off
 * with one line; the game itself goes on.
 */
import type { Pack } from '../core/pack.js';
import type { Timeline, TurnEvent } from '../core/journal.js';
import { page, storyWords } from '../core/storybook.js';
import { pageText } from '../core/storybook-txt.js';
import type { TranscriptSink } from './ports.js';
import type { Messages } from '../core/messages/index.js';
import { statLabels } from '../core/status.js';

export class Transcript {
  private on = false;
  /** Writes go one after another, in the order the turns were shown. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: TranscriptSink,
    private readonly pack: Pack,
    private readonly timeline: Timeline,
    /** Its own line, in the interface language. */
    private readonly words: Pick<Messages['session'], 'transcriptStopped'>,
    /** The interface language: the transcript is the screen's record, in the screen's words. */
    private readonly language: string = pack.manifest.language,
  ) {}

  get active(): boolean {
    return this.on;
  }

  /** Starts writing; the turn on screen is the transcript's first page. Resolves with the file's path. */
  async start(head: TurnEvent | null): Promise<string> {
    const path = await this.sink.open();
    this.on = true;
    const { title } = this.pack.manifest;
    await this.sink.write(`${title} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')}\n\n`);
    if (head) await this.sink.write(this.text(head));
    return path;
  }

  stop(): void {
    this.on = false;
  }

  /** A turn was shown: into the transcript, when it is on. */
  shown(e: TurnEvent, notice: (line: string) => void): void {
    if (!this.on) return;
    const text = this.text(e);
    this.writing = this.writing.then(() => this.sink.write(text)).catch((err: unknown) => {
      this.on = false;
      notice(this.words.transcriptStopped((err as NodeJS.ErrnoException).code ?? 'error'));
    });
  }

  /** Wait for what is being written (the game is ending). */
  flush(): Promise<void> {
    return this.writing;
  }

  private text(e: TurnEvent): string {
    return `${pageText(page(this.timeline, e, statLabels(this.pack.manifest)), storyWords(this.language))}\n`;
  }
}

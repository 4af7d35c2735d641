/**
 * Pictures made in the background: when a turn with an image prompt is shown, its picture is
 * asked for and the story goes on at once; when the picture is ready it is saved beside the
 * journal, recorded as an `image` event and its path is shown. A failure is one line and the
 * game goes on. A turn that has a picture (in this game, a fork or an earlier session) never
 * gets another, and one being made is not asked for twice.
 */
import { apiImagePrompt, imageFileName } from '../core/image.js';
import type { ImageEvent, TurnEvent } from '../core/journal.js';
import { sanitizeText } from '../core/sanitize.js';
import type { ImageMaker, PictureStore, Ui } from './ports.js';
import type { Messages } from '../core/messages/index.js';

export interface PainterOptions {
  maker: ImageMaker;
  pictures: PictureStore;
  slot: string;
  /** Where the picture's line goes (the game holds it back while the player is typing). */
  ui: Pick<Ui, 'notice' | 'event'>;
  /** The turn already has a picture in the journal. */
  has: (turnId: number) => boolean;
  /** The turn's number on its line, for messages. */
  numberOf: (turnId: number) => number;
  record: (event: ImageEvent) => Promise<void>;
  /** The lines it shows, in the interface language. */
  words: Pick<Messages['session'], 'pictureReady' | 'pictureFailed'>;
}

export class Painter {
  private readonly pending = new Map<number, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly o: PainterOptions) {}

  /** Ask for the turn's picture unless it has one or one is on its way; never waits. */
  paint(e: TurnEvent): void {
    const prompt = e.turn.image_prompt;
    if (!prompt || this.o.has(e.id) || this.pending.has(e.id) || this.stop.signal.aborted) return;
    const job = this.make(e.id, prompt).catch((err: unknown) => this.failed(e.id, err));
    this.pending.set(e.id, job);
  }

  /** Pictures on their way. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Wait for the pictures on their way (the game is ending: they belong in the save). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
  }

  /** Give up on pictures still on their way (Ctrl-C at the end): nothing half-made is recorded. */
  cancel(): void {
    this.stop.abort();
  }

  private async make(turnId: number, prompt: string): Promise<void> {
    try {
      const png = await this.o.maker.generate(apiImagePrompt(prompt), this.stop.signal);
      const { file, path } = await this.o.pictures.save(imageFileName(this.o.slot, turnId), png);
      await this.o.record({ type: 'image', turn: turnId, file, prompt, model: this.o.maker.model, at: new Date().toISOString() });
      const n = this.o.numberOf(turnId);
      this.o.ui.notice(this.o.words.pictureReady(n, path));
      this.o.ui.event('image', { turn: n, file: path });
    } finally {
      this.pending.delete(turnId);
    }
  }

  private failed(turnId: number, err: unknown): void {
    if (this.stop.signal.aborted) return;
    const why = sanitizeText(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
    this.o.ui.notice(this.o.words.pictureFailed(this.o.numberOf(turnId), why));
  }
}

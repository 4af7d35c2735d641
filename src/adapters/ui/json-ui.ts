/** --json: one JSON object per line on stdout and nothing else; notices also on stderr. */
import type { TurnView, Ui, VerdictView } from '../../engine/ports.js';
import { LineReader } from './line-reader.js';
import { sanitizeDeep, sanitizeText } from '../../core/sanitize.js';

/** The fields of a `turn` event, shared by play and replay so both print the same thing. */
export function turnEventData({ n, turn, state, usage }: TurnView): Record<string, unknown> {
  return {
    turn: n,
    narration: turn.narration,
    choices: turn.choices.map((text, i) => ({ n: i + 1, text })),
    image_prompt: turn.image_prompt,
    state: { stats: state.stats, inventory: state.inventory, flags: state.flags },
    game_over: turn.game_over,
    usage: usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, cached_tokens: usage.cached_tokens ?? null } : null,
  };
}

export class JsonUi implements Ui {
  constructor(
    private readonly reader: LineReader,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  event(type: string, data: Record<string, unknown>): void {
    // Text in events is sanitised like text on the terminal (C1 and bidi controls survive JSON.stringify).
    this.out.write(`${JSON.stringify(sanitizeDeep({ type, ...data }))}\n`);
  }

  showTurn(view: TurnView): void {
    this.event('turn', turnEventData(view));
  }

  verdict(v: VerdictView): void {
    this.event('verdict', { turn: v.n, outcome: v.outcome, tries_left: v.triesLeft, line: v.line });
  }

  ask(): Promise<string | null> {
    return this.reader.next();
  }

  notice(text: string): void {
    this.err.write(`${sanitizeText(text)}\n`);
    this.event('notice', { message: text });
  }

  info(text: string): void {
    this.event('info', { message: text });
  }

  close(): void {
    this.reader.close();
  }
}

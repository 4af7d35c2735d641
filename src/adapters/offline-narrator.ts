/**
 * The offline narrator: plays a pack's authored script with no model and no network.
 * It is what a newcomer plays first and what pack authors test with; the engine has
 * already resolved the input against the script, so this narrator tells it as written.
 */
import { NO_CHANGES } from '../core/reply.js';
import type { Narration, NarrationRequest, Narrator, NarratorInfo } from '../engine/ports.js';

export class OfflineNarrator implements Narrator {
  readonly provider = 'offline' as const;
  readonly model = null;
  /** The script needs no story so far: the engine already resolved the input against it. */
  readonly remembers = false;

  describe(): Promise<NarratorInfo> {
    return Promise.resolve({ provider: 'offline', model: null, server: null, window: null });
  }

  narrate(request: NarrationRequest): Promise<Narration> {
    const { authored, rails, pack } = request;
    if (!authored || !rails) {
      return Promise.reject(new Error(`pack "${pack.manifest.id}" has no script, so it cannot be played offline; connect a model (--provider openai)`));
    }
    return Promise.resolve({
      kind: 'reply',
      reply: {
        narration: authored.narration,
        choices: rails.choices,
        image_prompt: authored.image,
        state_changes: NO_CHANGES,
        game_over: rails.ending,
      },
      raw: null,
      usage: null,
      calls: 0,
    });
  }
}

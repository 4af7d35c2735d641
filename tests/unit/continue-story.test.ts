/** Issue 11, part 6: with a model, the story goes on past its ending, over real HTTP to a local server. */
import { afterAll, describe, expect, it } from 'vitest';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { mainLine } from '../../src/core/journal.js';
import { startOpenAIServer, validReply } from '../helpers/openai-server.js';
import { playModelGame } from '../helpers/model-game.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const server = await startOpenAIServer({ fallback: { kind: 'ok', reply: validReply({ narration: 'Dawn comes grey over the Teeth, and the boats come ashore one by one.' }) } });
afterAll(() => server.close());

const lastMessage = (i: number): string => String(server.requests.filter((r) => r.path.endsWith('/chat/completions'))[i]?.body.messages.at(-1).content ?? '');

describe('continue the story with a model', () => {
  it('each /continue after the ending is a further turn the model writes, the ending kept, riddle answers never sent', async () => {
    const r = await playModelGame({ pack: lighthouse, baseURL: server.baseURL, scene: 'hook', inputs: ['2', '/continue', '/continue I wade out at high tide'] });
    expect(r.error).toBeNull();
    const line = mainLine(r.timeline);
    expect(line.map((t) => t.input)).toEqual([null, '2', '(continue the story)', 'I wade out at high tide']);
    for (const t of line.slice(1)) expect(t.turn.game_over).toMatchObject({ outcome: 'lose' });
    expect(line.at(-1)?.turn.narration).toMatch(/^Dawn comes grey/);
    // The model is told the story goes on, with the pack's epilogue as its reference...
    const first = lastMessage(1);
    expect(first).toContain('the player asks for it to go on');
    expect(first).toContain('The brig breaks on the Teeth');
    // ...and what the player typed, with the riddle's answer ("high tide") blanked out.
    const typed = lastMessage(2);
    expect(typed).toContain('What the player does: "i wade out at (a riddle answer)"');
    expect(typed.toLowerCase()).not.toContain('tide');
  });

  it('/retry of a continuation asks for the continuation again, not an ordinary move at the ending', async () => {
    const before = server.requests.length;
    const r = await playModelGame({ pack: lighthouse, baseURL: server.baseURL, scene: 'hook', inputs: ['2', '/continue', '/retry'] });
    expect(r.error).toBeNull();
    const chats = server.requests.slice(before).filter((q) => q.path.endsWith('/chat/completions'));
    const last = String(chats.at(-1)?.body.messages.at(-1).content ?? '');
    expect(last).toContain('the player asks for it to go on');
    expect(last).not.toContain('does not move the story');
    expect(mainLine(r.timeline).map((t) => t.input)).toEqual([null, '2', '(continue the story)']);
  });
});

/**
 * Issue 9, part 1 with a model: the table of phrasings read by a model (the real OpenAI
 * narrator over real HTTP against a local server that answers the intent call), and a
 * hostile reader that changes nothing wrong. The engine checks every reading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAINarrator } from '../../src/adapters/openai-narrator.js';
import { sceneOptions, CLASSIFY_MAX_TOKENS, KINDS, type ClassifyReply } from '../../src/core/classify.js';
import { currentScene, scriptAnswers, visibleChoices } from '../../src/core/script.js';
import { readingRequest, readInput } from '../../src/engine/turn.js';
import type { Pack, Script } from '../../src/core/pack.js';
import { startOpenAIServer, type FakeServer, type Fault, type RecordedRequest } from '../helpers/openai-server.js';
import { isIntentCall } from '../helpers/openai-server.js';
import { outcomeOf, packs, stateIn, T, type PackId, type Row } from '../helpers/intent-table.js';
import { expectNoAnswers } from '../helpers/no-answers.js';

const playerText = (req: RecordedRequest): string => JSON.parse(String(req.body.messages.at(-1).content).split('\nPlayer: ')[1] ?? '""') as string;

/** What the server answers to the intent call for each player text (set per row). */
const answers = new Map<string, ClassifyReply | Fault>();
let server: FakeServer;
beforeAll(async () => {
  server = await startOpenAIServer({
    fallback: (req) => {
      const a = answers.get(playerText(req));
      if (!a) return { kind: 'status', status: 500 };
      return 'kind' in a && typeof a.kind === 'string' && !KINDS.includes(a.kind as never) ? (a as Fault) : { kind: 'ok', reply: a };
    },
  });
});
afterAll(() => server.close());

function narrator(log: string[] = []): OpenAINarrator {
  const caps = new Map();
  return new OpenAINarrator({
    model: 'fake-model', baseURL: server.baseURL, apiKey: null, timeoutMs: 5_000,
    cache: { get: (k) => caps.get(k), set: (k, v) => void caps.set(k, v) },
    contextCache: { get: () => undefined, set: () => {} },
    log: (l) => log.push(l),
  });
}

const setup = (id: PackId, scene: string) => {
  const pack = packs[id] as Pack & { script: Script };
  const state = stateIn(id, scene);
  const offered = visibleChoices(currentScene(pack.script, state), state).map((c) => c.text);
  return { pack, state, offered };
};

/**
 * What a correct model answers for a row: an option of the scene (ids as the request lists
 * them) whose reading gives the row's expected outcome, the one the row names first.
 */
function rightReading([id, scene, input, is, after, read]: Row): ClassifyReply {
  const { pack, state } = setup(id, scene);
  const ids = sceneOptions(currentScene(pack.script, state), state, scriptAnswers(pack.script)).map((o) => o.id);
  const offline = outcomeOf(id, scene, input);
  const kind = is === 'wrong' ? 'do' : (read ?? 'do') as ClassifyReply['kind'];
  // Offline's choice first where it has one, so the state after is the same too (the gatekeeper's flags).
  const first = offline.read === 'do' ? offline.intentOption : null;
  const ordered = is === 'wrong' ? ['riddle'] : [...(first ? [first] : []), ...ids];
  for (const option of ordered) {
    const reply = { option, kind, confidence: 0.9 };
    const o = outcomeOf(id, scene, input, reply);
    if (o.is === is && (after === null || o.scene === after) && o.by === 'model' && (!read || o.read === read)) return reply;
  }
  throw new Error(`no option of ${scene} gives ${is} for ${input}`);
}

describe('the table of phrasings, read by a model', () => {
  it('every free-text row resolves as the table says, through the model\'s reading; no request holds an answer', async () => {
    const n = narrator();
    const before = server.requests.length;
    let asked = 0;
    let passed = 0;
    for (const row of T) {
      const [id, scene, input, is, after, read] = row;
      const { pack, state, offered } = setup(id, scene);
      const request = readingRequest(pack, state, input, offered);
      if (request) answers.set(request.text, rightReading(row));
      const reading = await readInput(n, pack, state, input, offered);
      const o = outcomeOf(id, scene, input, reading);
      expect(o.is, input).toBe(is);
      if (after !== null) expect(o.scene, input).toBe(after);
      if (read) expect(o.read, input).toBe(read);
      if (request) {
        asked++;
        expect(reading, input).not.toBeNull();
        expect(o.by, input).toBe('model');
      }
      passed++;
    }
    const sent = server.requests.slice(before);
    expect(sent.filter(isIntentCall)).toHaveLength(asked);
    // Commands, numbers, ordinals and right answers never reach the model; every other row does.
    expect(asked).toBe(T.filter(([, , , is]) => !['right', 'hint', 'choice'].includes(is) && !is.startsWith('command')).length);
    expect(asked).toBeGreaterThanOrEqual(45);
    expect(passed).toBe(T.length);
    // Each pack's answers stay out of its own requests (ruins' "wind" may be said in the lighthouse).
    for (const id of ['lighthouse', 'ruins'] as const) {
      const lang = packs[id].manifest.language;
      expectNoAnswers(sent.filter((r) => String(r.body.messages.at(-1).content).startsWith(`Language: ${lang}`)), scriptAnswers(packs[id].script!));
    }
    const body = sent[0]!.body;
    expect(body).toMatchObject({ stream: false, temperature: 0, max_tokens: CLASSIFY_MAX_TOKENS, response_format: { type: 'json_schema', json_schema: { strict: true, name: 'intent' } } });
    expect(body.response_format.json_schema.schema.properties.option.enum).toContain('none');
  });
});

/** Rows that reach the intent call, with their scene's options. */
const freeRows = T.filter(([id, scene, input]) => { const { pack, state, offered } = setup(id, scene); return readingRequest(pack, state, input, offered) !== null; });
const optionsOf = (id: PackId, scene: string) => { const { pack, state } = setup(id, scene); return sceneOptions(currentScene(pack.script, state), state, scriptAnswers(pack.script)); };
const same = (a: ReturnType<typeof outcomeOf>) => ({ is: a.is, scene: a.scene, state: a.state }) as unknown;

describe('a hostile or broken reader changes nothing wrong', () => {
  it('over HTTP: an id not offered, a reply that is no JSON, a server error, low or impossible confidence all leave the offline reading', async () => {
    const log: string[] = [];
    const n = narrator(log);
    const replies: (ClassifyReply | Fault)[] = [
      { option: 'intents.99', kind: 'do', confidence: 1 },
      { kind: 'raw', content: 'Sure! The player wants to win.' },
      { kind: 'status', status: 500 },
      { option: 'choices.1', kind: 'do', confidence: 0.2 },
      // What the small real model in shared/models wrote through llama.cpp's grammar.
      { option: 'choices.1', kind: 'do', confidence: 128 },
    ];
    for (const [id, scene, input] of freeRows.filter((_, i) => i % 3 === 0)) {
      const { pack, state, offered } = setup(id, scene);
      for (const reply of replies) {
        answers.set(readingRequest(pack, state, input, offered)!.text, reply);
        const reading = await readInput(n, pack, state, input, offered);
        expect(same(outcomeOf(id, scene, input, reading)), `${input} / ${JSON.stringify(reply)}`).toEqual(same(outcomeOf(id, scene, input)));
      }
    }
    expect(log.some((l) => l.includes('reading the input offline'))).toBe(true);
  });

  it('"do" for a question, a look or a refusal never acts; a threat read as an argument gets no key; a wrong answer read as right is still wrong', () => {
    let tried = 0;
    for (const [id, scene, input, is, , read] of freeRows) {
      const offline = outcomeOf(id, scene, input);
      for (const o of optionsOf(id, scene)) {
        const got = outcomeOf(id, scene, input, { option: o.id, kind: 'do', confidence: 1 });
        if (read && read !== 'do' && o.acts) {
          tried++;
          expect(got.is === 'fallback' || got.is === 'wrong' || got.state === offline.state || JSON.stringify(got.state) === JSON.stringify(offline.state), `${input} as ${o.id}`).toBe(true);
          expect(got.scene, `${input} as ${o.id}`).toBe(scene);
        }
        if (o.id === 'riddle' && is === 'wrong') expect(got.is, input).toBe('wrong');
        if (o.stance === 'supportive' && ['我要烧了村子', 'I will burn the village to the ground', '我不在乎村子', '村子关我什么事'].includes(input)) {
          tried++;
          expect(got.state?.inventory, `${input} as ${o.id}`).not.toContain('铜钥匙');
        }
      }
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('a riddle-answer probe: the request lists the riddle without its answers and redacts another riddle\'s answer the player typed', () => {
    const { pack, state, offered } = setup('ruins', 'stone_door');
    const r = readingRequest(pack, state, '答案是风还是稻草？告诉我谜底', offered)!;
    expect(r.options.find((o) => o.id === 'riddle')?.label).toBe('answer the riddle (any attempt at an answer, right or wrong)');
    expect(JSON.stringify(r)).not.toMatch(/风|稻草|wind|straw/);
    expect(readingRequest(pack, state, '我的答案是风', offered)).toBeNull(); // the right answer is the engine's alone
  });
});

/**
 * The pure core: turn contract, JSON schema, reducer, judging, the script machine,
 * request building, the journal fold and slot names. No I/O here.
 */
import { describe, expect, it } from 'vitest';
import { Reply, Turn, NO_CHANGES } from '../../src/core/reply.js';
import { replyJsonSchema } from '../../src/core/json-schema.js';
import { applyEffects, applyProposal, holds } from '../../src/core/reducer.js';
import { choiceNumber, judgeAnswer, keywordsIn, mentions, normalise } from '../../src/core/judge.js';
import { answerIn, redactAnswers, REDACTED } from '../../src/core/answer.js';
import { escapeRegExp } from '../../src/core/regexp.js';
import { resolveInput } from '../../src/core/script.js';
import { buildMessages, type PastTurn, type PromptInput } from '../../src/core/prompt.js';
import { selectLore } from '../../src/core/lore.js';
import { alternatives, fold, headTurn, mainLine, type JournalEvent, type TurnEvent } from '../../src/core/journal.js';
import { slotProblem } from '../../src/core/slot.js';
import { Manifest, Script, type LoreEntry, type Pack, type StateModel } from '../../src/core/pack.js';
import { initialState, type GameState } from '../../src/core/state.js';

const REPLY: Reply = {
  narration: 'The door hums.',
  choices: ['Open it', 'Leave'],
  image_prompt: 'a humming brass door',
  state_changes: NO_CHANGES,
  game_over: null,
};

const MODEL: StateModel = {
  stats: { health: { start: 3, min: 0, max: 5 }, courage: { start: 1, min: 0, max: 10 } },
  inventory: ['torch'],
  flags: { door_open: false },
};

const STATE: GameState = {
  scene: 'hall',
  stats: { health: 3, courage: 1 },
  inventory: ['torch'],
  flags: { door_open: false },
  vars: {},
  misses: 0,
};

type Json = Record<string, unknown>;

/** Every object node of a JSON schema, depth first. */
function objectNodes(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => objectNodes(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o.type === 'object') out.push(o);
    Object.values(o).forEach((v) => objectNodes(v, out));
  }
  return out;
}

const keysIn = (node: unknown): string[] => JSON.stringify(node).match(/"(\w+)":/g)?.map((k) => k.slice(1, -2)) ?? [];

describe('Reply and Turn schema', () => {
  it('accepts a valid reply, with null image_prompt and game_over', () => {
    expect(Reply.parse(REPLY)).toEqual(REPLY);
    expect(Reply.safeParse({ ...REPLY, image_prompt: null }).success).toBe(true);
    expect(Reply.safeParse({ ...REPLY, game_over: { outcome: 'win', reason: 'done' } }).success).toBe(true);
  });

  it('rejects 1 and 7 choices, and missing nullable fields', () => {
    expect(Reply.safeParse({ ...REPLY, choices: ['only one'] }).success).toBe(false);
    expect(Reply.safeParse({ ...REPLY, choices: ['1', '2', '3', '4', '5', '6', '7'] }).success).toBe(false);
    expect(Reply.safeParse({ ...REPLY, choices: ['1', '2', '3', '4', '5', '6'] }).success).toBe(true);
    const { image_prompt: _i, ...noImage } = REPLY;
    expect(Reply.safeParse(noImage).success).toBe(false);
    const { game_over: _g, ...noEnding } = REPLY;
    expect(Reply.safeParse(noEnding).success).toBe(false);
    expect(Reply.safeParse({ ...REPLY, game_over: { outcome: 'draw', reason: 'x' } }).success).toBe(false);
  });

  it('a Turn (the engine view) may have no choices, e.g. an authored ending', () => {
    const ending = { ...REPLY, choices: [], game_over: { outcome: 'lose', reason: 'buried' } };
    expect(Turn.safeParse(ending).success).toBe(true);
    expect(Reply.safeParse(ending).success).toBe(false);
    expect(Turn.safeParse({ ...REPLY, choices: ['1', '2', '3', '4', '5', '6', '7'] }).success).toBe(false);
  });
});

describe('replyJsonSchema', () => {
  it("'strict': every object requires all its properties and allows no others, with no length bounds", () => {
    const schema = replyJsonSchema('strict');
    const objects = objectNodes(schema);
    expect(objects.length).toBeGreaterThanOrEqual(5); // reply, state_changes, stat, flag, game_over
    for (const o of objects) {
      expect(o.additionalProperties).toBe(false);
      expect([...(o.required as string[])].sort()).toEqual(Object.keys(o.properties as Json).sort());
    }
    const keys = keysIn(schema);
    for (const k of ['maxLength', 'minLength', 'maxItems', 'minItems', '$schema']) expect(keys).not.toContain(k);
    expect(Object.keys(schema.properties as Json).sort()).toEqual(['choices', 'game_over', 'image_prompt', 'narration', 'state_changes']);
  });

  it("'bounded' keeps maxLength and maxItems for grammar-compiling servers", () => {
    const schema = replyJsonSchema('bounded');
    const keys = keysIn(schema);
    expect(keys).toContain('maxLength');
    expect(keys).toContain('maxItems');
    const choices = (schema.properties as Json).choices as Json;
    expect(choices).toMatchObject({ minItems: 2, maxItems: 6 });
    for (const o of objectNodes(schema)) expect(o.additionalProperties).toBe(false);
  });
});

describe('reducer', () => {
  it('applyEffects clamps stats to their range and says so', () => {
    const { state, notes } = applyEffects(STATE, { stats: { health: 10, courage: -5 }, add_items: ['key'], remove_items: ['torch'], flags: { door_open: true } }, MODEL);
    expect(state.stats).toEqual({ health: 5, courage: 0 });
    expect(state.inventory).toEqual(['key']);
    expect(state.flags.door_open).toBe(true);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('health');
    expect(STATE.stats.health).toBe(3); // the input state is not mutated
  });

  it('applyProposal refuses removing an item not held and unknown stats, with notes', () => {
    const { state, notes } = applyProposal(
      STATE,
      { add_items: ['lamp'], remove_items: ['sword', 'torch'], stats: [{ name: 'mana', delta: 3 }, { name: 'courage', delta: 2 }], flags: [{ name: 'door_open', value: true }] },
      MODEL,
    );
    expect(state.inventory).toEqual(['lamp']);
    expect(state.stats).toEqual({ health: 3, courage: 3 });
    expect(state.stats).not.toHaveProperty('mana');
    expect(state.flags.door_open).toBe(true);
    expect(notes).toEqual([expect.stringContaining('"sword"'), expect.stringContaining('"mana"')]);
  });

  it('applyProposal clamps a stat the model pushes out of range', () => {
    const { state, notes } = applyProposal(STATE, { ...NO_CHANGES, stats: [{ name: 'health', delta: -9 }] }, MODEL);
    expect(state.stats.health).toBe(0);
    expect(notes).toEqual([expect.stringContaining('0..5')]);
  });

  it('holds() checks every part of a condition', () => {
    expect(holds(undefined, STATE)).toBe(true);
    expect(holds({ has: ['torch'] }, STATE)).toBe(true);
    expect(holds({ has: ['torch', 'key'] }, STATE)).toBe(false);
    expect(holds({ lacks: ['torch'] }, STATE)).toBe(false);
    expect(holds({ flags: { door_open: false } }, STATE)).toBe(true);
    expect(holds({ flags: { never_set: false } }, STATE)).toBe(true);
    expect(holds({ flags: { door_open: true } }, STATE)).toBe(false);
    expect(holds({ stat_at_least: { health: 3 } }, STATE)).toBe(true);
    expect(holds({ stat_at_least: { health: 4 } }, STATE)).toBe(false);
    expect(holds({ stat_below: { health: 3 } }, STATE)).toBe(false);
    expect(holds({ stat_below: { health: 4 }, has: ['torch'] }, STATE)).toBe(true);
  });
});

describe('judge', () => {
  it('normalise folds full-width, case and punctuation', () => {
    expect(normalise('ＷＩＮＤ！')).toBe('wind');
    expect(normalise('  It’s  an   ECHO!!! ')).toBe('its an echo');
    expect(normalise('答案：风。')).toBe('答案 风');
  });

  it('accepts 风 with filler and rejects 不是风 and 火', () => {
    const answers = ['风', 'wind'];
    for (const ok of ['风', '是风吧', '答案是风', '风！', 'Wind', 'ｗｉｎｄ']) expect(judgeAnswer(ok, answers), ok).toBe(true);
    for (const no of ['不是风', '火', '', '风火']) expect(judgeAnswer(no, answers), no).toBe(false);
  });

  it('accepts "an echo" and "It\'s an echo!" for ["echo"]', () => {
    expect(judgeAnswer('an echo', ['echo'])).toBe(true);
    expect(judgeAnswer("It's an echo!", ['echo'])).toBe(true);
    expect(judgeAnswer('the answer is echo', ['echo'])).toBe(true);
    expect(judgeAnswer('not an echo', ['echo'])).toBe(false);
  });

  it('mentions: Latin keywords match whole words, CJK keywords anywhere', () => {
    expect(mentions('center', 'enter')).toBe(false);
    expect(mentions('I enter the hall', 'enter')).toBe(true);
    expect(mentions('Go IN now', 'go in')).toBe(true);
    expect(mentions('我要直接进入遗迹！', '直接进入遗迹')).toBe(true);
    expect(mentions('我要 直接 进入遗迹', '直接进入遗迹')).toBe(true);
    expect(mentions('我要回家', '直接进入遗迹')).toBe(false);
  });

  it('keywordsIn: one folded text, asked for many keywords, answers as mentions does for each', () => {
    const text = "Ｉ won't go in yet. I ENTER the hall; 我不想进入遗迹，但我现在进去";
    const mentioned = keywordsIn(text);
    for (const k of ['enter', 'go in', 'center', 'hall', '进入遗迹', '进去', '遗迹', 'ENTER!', '', 'yet'])
      expect(mentioned(k), k).toBe(mentions(text, k));
    expect(['enter', 'go in', '进入遗迹', '进去'].map(mentioned)).toEqual([true, false, false, true]);
  });

  it('mentions: a keyword right after a negation is refused, not chosen', () => {
    expect(mentions("I don't enter", 'enter')).toBe(false);
    expect(mentions('I will not enter the ruins', 'enter')).toBe(false);
    expect(mentions('never enter, just wait', 'enter')).toBe(false);
    expect(mentions("I won't enter yet, but later I enter", 'enter')).toBe(true); // a second, plain occurrence
    expect(mentions('我不想进入遗迹', '进入遗迹')).toBe(false);
    expect(mentions('别进入遗迹！', '进入遗迹')).toBe(false);
    expect(mentions('我没有进去', '进去')).toBe(false);
    expect(mentions('我现在进去', '进去')).toBe(true);
  });

  it('the remembered folds and answer patterns answer the same however often and in whatever order they are asked', () => {
    // answerIn's patterns are global regular expressions kept between calls: a match leaves
    // lastIndex past it, and a kept pattern that did not reset it would miss the next text.
    const answers = ['wind', '风'];
    for (let i = 0; i < 3; i++) {
      expect(answerIn('the wind howls over the lighthouse', answers)).toBe('wind');
      expect(answerIn('wind', answers)).toBe('wind');
      expect(answerIn('a calm night', answers)).toBeNull();
      expect(answerIn('风', answers)).toBe('风');
      expect(redactAnswers('Wind, wind and 风', answers)).toBe(`${REDACTED}, ${REDACTED} and ${REDACTED}`);
    }
    // Characters that mean something in a pattern are only themselves: "c++" is not "cc", "a.b" not "axb".
    expect(answerIn('I would say c++ here', ['c++'])).toBe('c++');
    expect(answerIn('I would say cc here', ['c++'])).toBeNull();
    expect(escapeRegExp('a.t1(2)*[x]\\$^|?{}+')).toBe('a\\.t1\\(2\\)\\*\\[x\\]\\\\\\$\\^\\|\\?\\{\\}\\+');
    expect(new RegExp(`^${escapeRegExp('a.b')}$`).test('axb')).toBe(false);
    // More distinct texts than the caches hold: still the same answers after they are emptied.
    for (let i = 0; i < 5000; i++) expect(normalise(`Ｗｉｎｄ ${i}！`)).toBe(`wind ${i}`);
    expect(normalise('ＷＩＮＤ！')).toBe('wind');
  });

  it('choiceNumber reads full-width and dotted numbers only', () => {
    expect(choiceNumber('３')).toBe(3);
    expect(choiceNumber(' 2. ')).toBe(2);
    expect(choiceNumber('1、')).toBe(1);
    expect(choiceNumber('2 doors')).toBeNull();
    expect(choiceNumber('one')).toBeNull();
  });
});

describe('script: resolveInput', () => {
  // One scene where every rule competes: a choice numbered 1 whose text is also a riddle
  // answer, an intent whose keyword is "2", an intent on "door", a riddle with give-up.
  const script = Script.parse({
    start: 'hall',
    scenes: {
      hall: {
        text: 'A hall.',
        choices: [
          { text: 'wind', goto: 'typed' },
          { text: 'open the door', goto: 'chosen' },
          { text: 'hidden', goto: 'chosen', if: { has: ['key'] } },
        ],
        intents: [
          { keywords: ['2'], goto: 'intent2' },
          { keywords: ['door'], goto: 'intent_door', effects: { flags: { door_open: true } } },
        ],
        riddle: {
          question: 'What blows?',
          answers: ['wind', 'breeze'],
          success: { goto: 'solved', say: 'Right.' },
          failure: { say: 'Wrong.' },
          attempts: 2,
          give_up: { goto: 'gave_up', effects: { stats: { health: -1 } } },
        },
        fallback: 'Nothing here.',
      },
      typed: { text: 't', ending: { outcome: 'end', reason: 'r' } },
      chosen: { text: 'c', ending: { outcome: 'end', reason: 'r' } },
      intent2: { text: 'i', ending: { outcome: 'end', reason: 'r' } },
      intent_door: { text: 'd', ending: { outcome: 'end', reason: 'r' } },
      solved: { text: 's', ending: { outcome: 'win', reason: 'r' } },
      gave_up: { text: 'g', ending: { outcome: 'lose', reason: 'r' } },
    },
  });
  const resolve = (input: string, state: GameState = STATE) => resolveInput(script, MODEL, state, input);

  it('a number beats an intent on the same word', () => {
    expect(resolve('2')).toMatchObject({ kind: 'choice', moved: true, state: { scene: 'chosen' } });
    expect(resolve('１')).toMatchObject({ kind: 'choice', state: { scene: 'typed' } });
  });

  // Was "an intent beats the typed text of a choice": a choice typed out in full is now the most
  // specific match there is, so it wins over a keyword inside it (issue 9).
  it('the typed text of a choice beats an intent keyword inside it', () => {
    expect(resolve('open the door')).toMatchObject({ kind: 'choice', state: { scene: 'chosen' } });
    expect(resolve('kick the door')).toMatchObject({ kind: 'intent', state: { scene: 'intent_door', flags: { door_open: true } } });
  });

  it('the typed text of a choice beats a riddle answer', () => {
    expect(resolve('Wind!')).toMatchObject({ kind: 'choice', state: { scene: 'typed' } });
  });

  it('a riddle answer beats the fallback, and the event never holds the answer', () => {
    const r = resolve('a breeze');
    expect(r).toMatchObject({ kind: 'right', say: 'Right.', state: { scene: 'solved', misses: 0 } });
    expect(r.event).not.toContain('breeze');
  });

  it('a number for no visible choice is not judged as a riddle answer: fallback', () => {
    const r = resolve('3');
    expect(r).toMatchObject({ kind: 'fallback', say: 'Nothing here.', moved: false, state: STATE });
  });

  it('wrong answers count up to the attempts, then give_up runs', () => {
    const first = resolve('fire');
    expect(first).toMatchObject({ kind: 'wrong', say: 'Wrong.', moved: false, state: { scene: 'hall', misses: 1 } });
    const second = resolve('water', first.state);
    expect(second).toMatchObject({ kind: 'give-up', moved: true, state: { scene: 'gave_up', misses: 0, stats: { health: 2 } } });
  });
});

const manifest = (over: Record<string, unknown> = {}) =>
  Manifest.parse({ id: 'tiny', title: 'Tiny', version: '1', language: 'en', ...over });

function packWith(lore: LoreEntry[] = [], budget = 1200): Pack {
  return {
    manifest: manifest({ lore_budget: budget }),
    dir: '/nowhere',
    hash: 'h',
    systemTemplate: 'You narrate {{pack.title}} for {{var.name}}.',
    examples: [
      { input: null, reply: { ...REPLY, narration: 'Example opening.' } },
      { input: 'look around', reply: { ...REPLY, narration: 'Example look.' } },
    ],
    lore,
    script: null,
  };
}

const past = (n: number): PastTurn[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, n: i + 1, said: i === 0 ? null : `input ${i}`, turn: { ...REPLY, narration: `Narration of turn ${i + 1}.` }, state: STATE }));

function request(history: PastTurn[], said: string | null, over: Partial<PromptInput> = {}): PromptInput {
  return { pack: packWith(), state: { ...STATE, vars: { name: 'Ada' } }, summary: null, history, said, rails: null, notes: [], ...over };
}

describe('prompt: buildMessages', () => {
  it('system first, examples as user/assistant pairs, state and free text in the last user message', () => {
    const { messages } = buildMessages(request(past(2), 'I climb the chimney', { notes: ['cannot remove "sword"'] }));
    expect(messages[0]?.role).toBe('system');
    expect(messages[0]?.content).toContain('You narrate Tiny for Ada.');
    expect(messages.slice(1, 5).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(messages[2]?.content).toContain('Example opening.');
    expect(messages[3]?.content).toContain('look around');
    const last = messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toContain('I climb the chimney');
    expect(last.content).toContain('"inventory":["torch"]');
    expect(last.content).toContain('cannot remove "sword"');
    expect(messages.filter((m) => m.role === 'system')).toHaveLength(1);
  });

  it('past turns are replayed to the model as whole replies, in the shape it must answer in', () => {
    const { messages } = buildMessages(request(past(3), 'go on'));
    const replies = messages.filter((m) => m.role === 'assistant').slice(-3);
    for (const m of replies) expect(Object.keys(JSON.parse(m.content) as object).sort()).toEqual(Object.keys(Reply.shape).sort());
  });

  it('never puts per-turn data in the system message', () => {
    const a = buildMessages(request(past(3), 'first input', { state: { ...STATE, vars: { name: 'Ada' }, stats: { health: 1, courage: 9 } } }));
    const b = buildMessages(request(past(7), 'another thing', { notes: ['a note'] }));
    expect(a.messages[0]).toEqual(b.messages[0]);
    expect(a.messages[0]?.content).not.toContain('first input');
    expect(a.messages[0]?.content).not.toContain('"health"');
  });

  it('a summary sits between the examples and the verbatim turns, and the turns it covers are not repeated', () => {
    const summary = { summary: { text: 'Ada found the lamp.', people: ['the keeper'], places: [], promises: [], threads: [], events: ['turn 3: got lamp'] }, turns: 20 };
    const { messages } = buildMessages(request(past(3), 'next', { summary }));
    const at = messages.findIndex((m) => m.content.startsWith('## Story so far (turns 1–20'));
    expect(at).toBe(5); // system, 2 example pairs, then the summary
    expect(messages[at]?.content).toContain('Ada found the lamp.');
    expect(messages[at]?.content).toContain('Key events: turn 3: got lamp');
    expect(messages.slice(at + 1, -1).filter((m) => m.role === 'assistant')).toHaveLength(3);
  });

  it('lore triggered this turn goes into the last message, under the budget', () => {
    const lore: LoreEntry[] = [
      { id: 'a', keywords: ['chimney'], text: 'A'.repeat(60), priority: 2 },
      { id: 'b', keywords: ['chimney'], text: 'B'.repeat(60), priority: 1 },
      { id: 'c', keywords: ['cellar'], text: 'C'.repeat(10), priority: 0 },
    ];
    const { messages, lore: sel } = buildMessages(request(past(1), 'up the chimney', { pack: packWith(lore, 100) }));
    expect(sel.included.map((e) => e.id)).toEqual(['a']);
    expect(sel.dropped.map((e) => e.id)).toEqual(['b']);
    expect(messages.at(-1)?.content).toContain('A'.repeat(60));
    expect(messages[0]?.content).not.toContain('A'.repeat(60));
    expect(messages.map((m) => m.content).join('')).not.toContain('B'.repeat(60));
  });

  it('selectLore drops what is over the budget, highest priority first', () => {
    const entries: LoreEntry[] = [
      { id: 'low', keywords: ['tower'], text: 'x'.repeat(50), priority: 0 },
      { id: 'high', keywords: ['tower'], text: 'y'.repeat(80), priority: 5 },
      { id: 'other', keywords: ['sea'], text: 'z', priority: 9 },
    ];
    const sel = selectLore(entries, 'the tower', 100);
    expect(sel.included.map((e) => e.id)).toEqual(['high']);
    expect(sel.dropped.map((e) => e.id)).toEqual(['low']);
  });
});

describe('journal fold', () => {
  const state = initialState(manifest(), {}, null);
  let at = 0;
  const turn = (id: number, parent: number | null, input: string | null): TurnEvent => ({
    type: 'turn', id, parent, input, said: input, raw: null, turn: { ...REPLY, narration: `t${id}` },
    state, usage: null, calls: 1, notes: [], at: new Date(Date.UTC(2025, 0, 1, 0, 0, at++)).toISOString(),
  });
  const move = (type: 'undo' | 'redo' | 'select', to: number): JournalEvent => ({ type, to, at: '2025-01-01T00:00:00.000Z' });
  const ids = (events: JournalEvent[]) => mainLine(fold(events)).map((e) => e.id);

  const base: JournalEvent[] = [turn(0, null, null), turn(1, 0, '1'), turn(2, 1, '2')];

  it('turns build the main line; undo and redo move the head', () => {
    expect(ids(base)).toEqual([0, 1, 2]);
    const undone = [...base, move('undo', 1), move('undo', 0)];
    expect(ids(undone)).toEqual([0]);
    expect(fold(undone).redo).toEqual([2, 1]);
    expect(ids([...undone, move('redo', 1)])).toEqual([0, 1]);
    expect(fold([...undone, move('redo', 1)]).redo).toEqual([2]);
  });

  it('a new turn after undo starts a branch and clears redo', () => {
    const t = fold([...base, move('undo', 1), turn(3, 1, 'other')]);
    expect(mainLine(t).map((e) => e.id)).toEqual([0, 1, 3]);
    expect(t.redo).toEqual([]);
    expect(t.nextId).toBe(4);
    expect(t.turns.size).toBe(4);
  });

  it('retry alternatives share parent and input; select switches between them', () => {
    const events = [...base, turn(3, 1, '2'), turn(4, 1, 'different')];
    const t = fold(events);
    expect(alternatives(t, 3).map((e) => e.id)).toEqual([2, 3]);
    expect(headTurn(t)?.id).toBe(4);
    const back = fold([...events, move('select', 2)]);
    expect(mainLine(back).map((e) => e.id)).toEqual([0, 1, 2]);
  });

  it('moves to unknown turns are ignored', () => {
    expect(ids([...base, move('undo', 99)])).toEqual([0, 1, 2]);
  });
});

describe('slot names', () => {
  it('refuses path tricks, empty, too long and control characters', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', '', 'x'.repeat(65), 'a\u0007b', 'tab\there', 'end.', '.hidden']) {
      expect(slotProblem(bad), JSON.stringify(bad)).not.toBeNull();
    }
    expect(slotProblem('../x')).toMatch(/separator|\.\./);
    expect(slotProblem('x'.repeat(65))).toContain('64');
    expect(slotProblem('a\u0007b')).toContain('control');
  });

  it('accepts ordinary and non-Latin names', () => {
    for (const ok of ['my-game 1', '遗迹存档', 'x'.repeat(64), 'lighthouse-20250101-1200-ab12']) expect(slotProblem(ok), ok).toBeNull();
  });
});

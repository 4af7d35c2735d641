import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError, extractJson, extractReply } from '../../src/core/extract.js';
import { LIMITS, NO_CHANGES, Reply } from '../../src/core/reply.js';

const GOOD: Reply = {
  narration: 'The archway hums. Wind asks: "what has no body but howls?"',
  choices: ['Answer "wind"', 'Step through the archway', 'Go back'],
  image_prompt: 'a stone archway in a misty forest, a wax seal stamp on the keystone',
  state_changes: { add_items: ['lantern'], remove_items: [], stats: [{ name: 'courage', delta: 1 }], flags: [{ name: 'met_wind', value: true }] },
  game_over: null,
};
const GOOD_JSON = JSON.stringify(GOOD);

function ok(raw: string): { value: Reply; repairs: string[] } {
  const r = extractReply(raw);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r;
}

function fail(raw: string): { error: string; repairs: string[] } {
  const r = extractReply(raw);
  if (r.ok) throw new Error(`expected failure, got ${JSON.stringify(r.value)}`);
  return r;
}

describe('extractReply: clean input', () => {
  it('accepts a valid reply with no repairs', () => {
    expect(extractReply(GOOD_JSON)).toEqual({ ok: true, value: GOOD, repairs: [] });
  });
});

describe('extractReply: malformed JSON that can be recovered', () => {
  it('strips a ```json fence', () => {
    const r = ok('```json\n' + GOOD_JSON + '\n```');
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual(['removed code fence']);
  });

  it('strips a bare ``` fence inside prose', () => {
    const r = ok('Here you go:\n```\n' + GOOD_JSON + '\n```\nEnjoy!');
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual(expect.arrayContaining(['removed code fence', 'removed text before the JSON object', 'removed text after the JSON object']));
  });

  it('strips prose around the object, even with braces and quotes after it', () => {
    const r = ok(`Sure! Here is the next turn: ${GOOD_JSON}\nLet me know {if} you'd like "more".`);
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual(['removed text before the JSON object', 'removed text after the JSON object']);
  });

  it('repairs trailing commas', () => {
    const raw = GOOD_JSON.replace('"Go back"]', '"Go back",]').replace(/}$/, ',}');
    const r = ok(raw);
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual(['removed trailing commas']);
  });

  it('removes trailing commas even where jsonrepair would give up (a string ending in "{")', () => {
    const raw = JSON.stringify({ ...GOOD, game_over: { outcome: 'win', reason: 'a{' } }).replace(/}$/, ',}');
    expect(ok(raw).value.game_over).toEqual({ outcome: 'win', reason: 'a{' });
  });

  it('repairs single quotes, unquoted keys and comments', () => {
    const raw = `{
      // the model's own comment
      narration: 'You stand at the gate.',
      'choices': ['Knock', 'Leave'], /* two options */
      image_prompt: null, state_changes: {add_items: [], remove_items: [], stats: [], flags: []}, game_over: null
    }`;
    const r = ok(raw);
    expect(r.value.narration).toBe('You stand at the gate.');
    expect(r.value.choices).toEqual(['Knock', 'Leave']);
    expect(r.repairs).toEqual(['repaired JSON syntax']);
  });

  it('closes JSON truncated after the choices, mid-string in image_prompt', () => {
    const raw = '{"narration": "The cave is dark.", "choices": ["Light a torch", "Wait"], "image_prompt": "a dark cav';
    const r = ok(raw);
    expect(r.value).toEqual({
      narration: 'The cave is dark.',
      choices: ['Light a torch', 'Wait'],
      image_prompt: 'a dark cav',
      state_changes: NO_CHANGES,
      game_over: null,
    });
    expect(r.repairs).toEqual(expect.arrayContaining(['repaired JSON syntax', 'closed truncated JSON', 'missing state_changes taken as no changes', 'missing game_over set to null']));
  });

  it('fails (does not invent choices) when truncated mid-narration', () => {
    const r = fail('```json\n{"narration": "You walk into the ru');
    expect(r.error).toContain('choices: missing');
    expect(r.repairs).toEqual(expect.arrayContaining(['removed code fence', 'closed truncated JSON']));
  });
});

describe('extractReply: coercions', () => {
  const base = { narration: 'N', image_prompt: null, state_changes: NO_CHANGES, game_over: null };

  it('turns choices given as objects into strings', () => {
    const raw = JSON.stringify({ ...base, choices: [{ n: 1, text: 'Run' }, { label: 'Hide' }, { text: 'Fight' }] });
    const r = ok(raw);
    expect(r.value.choices).toEqual(['Run', 'Hide', 'Fight']);
    expect(r.repairs).toEqual(['choices given as objects turned into strings']);
  });

  it('splits choices given as one numbered text', () => {
    const raw = JSON.stringify({ ...base, choices: '1. Go north\n2) Go south\n\n3. Pay 1.5 coins' });
    expect(ok(raw).value.choices).toEqual(['Go north', 'Go south', 'Pay 1.5 coins']);
  });

  it('turns numeric strings in stats deltas into numbers', () => {
    const changes = { ...NO_CHANGES, stats: [{ name: 'gold', delta: '+5' }, { name: 'hp', delta: '-2.5' }] };
    const r = ok(JSON.stringify({ ...base, choices: ['a', 'b'], state_changes: changes }));
    expect(r.value.state_changes.stats).toEqual([{ name: 'gold', delta: 5 }, { name: 'hp', delta: -2.5 }]);
    expect(r.repairs).toEqual(['numbers given as strings turned into numbers']);
  });

  it('turns "true"/"false" flag values into booleans', () => {
    const changes = { ...NO_CHANGES, flags: [{ name: 'door_open', value: 'true' }, { name: 'lit', value: 'False' }] };
    const r = ok(JSON.stringify({ ...base, choices: ['a', 'b'], state_changes: changes }));
    expect(r.value.state_changes.flags).toEqual([{ name: 'door_open', value: true }, { name: 'lit', value: false }]);
  });

  it('fills missing state_changes, image_prompt and game_over; game_over false -> null', () => {
    const r = ok(JSON.stringify({ narration: 'N', choices: ['a', 'b'], game_over: false }));
    expect(r.value).toEqual({ narration: 'N', choices: ['a', 'b'], image_prompt: null, state_changes: NO_CHANGES, game_over: null });
    expect(r.repairs).toEqual(['missing image_prompt set to null', 'missing state_changes taken as no changes', 'game_over: false set to null']);
  });

  it('fills a missing list inside state_changes', () => {
    const r = ok(JSON.stringify({ ...base, choices: ['a', 'b'], state_changes: { add_items: ['key'] } }));
    expect(r.value.state_changes).toEqual({ ...NO_CHANGES, add_items: ['key'] });
  });

  it.each(['turn', 'response'])('unwraps a {"%s": {...}} wrapper', (key) => {
    const r = ok(JSON.stringify({ [key]: GOOD }));
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual([`unwrapped the "${key}" wrapper object`]);
  });

  it('keeps only the first 6 choices', () => {
    const choices = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const r = ok(JSON.stringify({ ...GOOD, choices }));
    expect(r.value.choices).toEqual(choices.slice(0, LIMITS.choicesMax));
    expect(r.repairs).toEqual(['kept the first 6 of 8 choices']);
  });

  it('notes unknown fields it drops', () => {
    const r = ok(JSON.stringify({ ...GOOD, mood: 'eerie' }));
    expect(r.value).toEqual(GOOD);
    expect(r.repairs).toEqual(['ignored unknown fields: mood']);
  });
});

describe('extractReply: failures name the fields', () => {
  it('narration as a number', () => {
    expect(fail(JSON.stringify({ ...GOOD, narration: 42 })).error).toBe('narration: expected string, got number');
  });

  it('too few choices, and missing narration', () => {
    const { narration: _n, ...rest } = GOOD;
    expect(fail(JSON.stringify({ ...rest, choices: ['Only one'] })).error).toBe('narration: missing; choices: expected 2 to 6 items, got 1');
  });

  it('empty narration and choice, bad outcome, long reason, bad delta', () => {
    const bad = {
      ...GOOD,
      narration: '',
      choices: ['ok', ''],
      state_changes: { ...NO_CHANGES, stats: [{ name: 'gold', delta: 'lots' }] },
      game_over: { outcome: 'victory', reason: 'r'.repeat(LIMITS.reason + 1) },
    };
    expect(fail(JSON.stringify(bad)).error).toBe(
      [
        'narration: must not be empty',
        'choices[1]: must not be empty',
        'state_changes.stats[0].delta: expected number, got string',
        'game_over.outcome: expected one of "win", "lose", "end", got "victory"',
        `game_over.reason: too long: at most ${LIMITS.reason} characters, got ${LIMITS.reason + 1}`,
      ].join('; '),
    );
  });

  it('empty string', () => {
    expect(fail('').error).toBe('reply: empty, expected a JSON object');
    expect(fail('  \n ').error).toMatch(/empty/);
  });

  it('refusal-like prose without JSON', () => {
    expect(fail("I'm sorry, but I can't continue this story.").error).toBe('reply: no JSON object found, expected a JSON object');
  });

  it('an object that is not a reply', () => {
    expect(fail('{"hello": "world"}').error).toBe('narration: missing; choices: missing');
  });
});

describe('extractJson', () => {
  it('returns the parsed value and repairs', () => {
    expect(extractJson('text {"a": [1, 2,],} more')).toEqual({
      value: { a: [1, 2] },
      repairs: ['removed text before the JSON object', 'removed trailing commas', 'removed text after the JSON object'],
    });
  });

  it('ignores ``` inside a JSON string when there is no fence before the object', () => {
    expect(extractJson('{"a": "```js"}')).toEqual({ value: { a: '```js' }, repairs: [] });
  });

  it('errors without an object', () => {
    expect(extractJson('[1, 2]')).toEqual({ error: expect.stringContaining('no JSON object') });
    expect(extractJson('')).toEqual({ error: expect.stringContaining('empty') });
  });
});

describe('describeZodError', () => {
  it('works without reportInput or a schema (one bound, no "got"; the input tells a missing key)', () => {
    const res = z.object({ xs: z.array(z.string()).min(2), s: z.string() }).safeParse({ xs: [] });
    expect(res.success).toBe(false);
    if (!res.success) expect(describeZodError(res.error, undefined, { xs: [] })).toBe('xs: expected at least 2 items; s: missing');
  });
});

// ---------------------------------------------------------------------------
// Property tests: every valid reply survives every kind of wrapping unchanged.

/** Strings of any code point; `max` counts code points, so UTF-16 length stays <= 2*max. */
const text = (min: number, max: number) => fc.string({ unit: 'binary', minLength: min, maxLength: max });
/** JSON has no -0 (it round-trips as 0); finite doubles otherwise. */
const delta = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d));
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: LIMITS.listItems });

const replyArb: fc.Arbitrary<Reply> = fc.record({
  narration: text(1, LIMITS.narration / 20),
  choices: fc.array(text(1, LIMITS.choice / 4), { minLength: LIMITS.choicesMin, maxLength: LIMITS.choicesMax }),
  image_prompt: fc.option(text(0, LIMITS.imagePrompt / 4), { nil: null }),
  state_changes: fc.record({
    add_items: list(text(0, LIMITS.name / 2)),
    remove_items: list(text(0, LIMITS.name / 2)),
    stats: list(fc.record({ name: text(0, LIMITS.name / 2), delta })),
    flags: list(fc.record({ name: text(0, LIMITS.name / 2), value: fc.boolean() })),
  }),
  game_over: fc.option(fc.record({ outcome: fc.constantFrom('win', 'lose', 'end'), reason: text(0, LIMITS.reason / 2) }), { nil: null }),
});

/** Prose a model might put around its JSON; no `{` so it cannot look like the object's start. */
const prose = fc.string({ maxLength: 40 }).filter((s) => !s.includes('{'));

describe('extractReply: properties', () => {
  const runs = { numRuns: 150 };

  it('the arbitrary only builds valid replies', () => {
    fc.assert(fc.property(replyArb, (r) => Reply.safeParse(r).success), { numRuns: 50 });
  });

  it('round-trips plain JSON with no repairs', () => {
    fc.assert(
      fc.property(replyArb, (r) => {
        expect(extractReply(JSON.stringify(r))).toEqual({ ok: true, value: r, repairs: [] });
      }),
      runs,
    );
  });

  it('round-trips pretty-printed, fenced, and prose-wrapped JSON', () => {
    const wrap = fc.constantFrom(
      (j: string) => j,
      (j: string) => '```json\n' + j + '\n```',
      (j: string) => '```\n' + j + '\n```',
    );
    fc.assert(
      fc.property(replyArb, fc.boolean(), wrap, prose, prose, (r, pretty, fence, before, after) => {
        const json = pretty ? JSON.stringify(r, null, 2) : JSON.stringify(r);
        const res = extractReply(`${before}${fence(json)}${after}`);
        expect(res.ok && res.value).toEqual(r);
      }),
      runs,
    );
  });

  it('survives a trailing comma', () => {
    fc.assert(
      fc.property(replyArb, fc.boolean(), (r, pretty) => {
        const json = pretty ? JSON.stringify(r, null, 2) : JSON.stringify(r);
        const withComma = json.replace(/\s*}$/, ',\n}');
        const res = extractReply(withComma);
        expect(res).toEqual({ ok: true, value: r, repairs: ['removed trailing commas'] });
      }),
      runs,
    );
  });

  it('never throws, whatever the input (any prefix of a reply, or noise)', () => {
    const prefix = fc.tuple(replyArb, fc.nat()).map(([r, n]) => {
      const json = JSON.stringify(r);
      return json.slice(0, n % (json.length + 1));
    });
    const noise = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', "'", ',', ':', '`', '/', '*', '\\', 'a', '1', ' ', '\n'), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(prefix, noise), (raw) => {
        const res = extractReply(raw);
        expect(typeof res.ok).toBe('boolean');
        if (!res.ok) expect(res.error).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});

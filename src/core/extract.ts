/**
 * Tolerant extraction, then strict validation, of a model's turn reply.
 *
 * Models wrap JSON in code fences and prose, leave trailing commas, get cut
 * off mid-string, or give choices as objects. The cheap, meaning-preserving
 * fixes happen here, each one named in `repairs` (for logs and `--json`
 * notices). Nothing is invented: a reply with no narration or too few choices
 * fails, and `error` names the fields in plain words so the engine can send it
 * back to the model in a repair request.
 *
 * Pure: no I/O. Sanitising text for the terminal is a separate step (sanitize.ts).
 */
import { jsonrepair } from 'jsonrepair';
import { z } from 'zod';
import { LIMITS, Reply } from './reply.js';
import { isMissing } from './zod-missing.js';

export interface ExtractOk<T> {
  ok: true;
  value: T;
  /** Plain words, one entry per kind of fix made ("removed code fence"). Empty for a clean reply. */
  repairs: string[];
}
export interface ExtractFail {
  ok: false;
  /** Plain words naming the fields: "choices: expected 2 to 6 items, got 1; narration: missing". */
  error: string;
  repairs: string[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects repairs without repeats, so a fix applied to 5 choices is reported once. */
class Repairs {
  readonly list: string[] = [];
  add(what: string): void {
    if (!this.list.includes(what)) this.list.push(what);
  }
}

// ---------------------------------------------------------------------------
// Finding and parsing the JSON object

/** An opening fence: ``` with an optional language tag (json, JSON, jsonc, ...). */
const FENCE_OPEN = /```[\w-]*/;

/**
 * Index just past the `}` matching the `{` at `start`, or -1 if the text ends
 * first (a truncated reply). Strings are skipped so braces inside them don't
 * count (single-quoted too, as jsonrepair accepts them), and so are comments,
 * where an apostrophe ("// don't") would otherwise look like a string.
 */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") i = stringEnd(text, i);
    else if (c === '/' && text[i + 1] === '/') i = endOf(text, '\n', i);
    else if (c === '/' && text[i + 1] === '*') i = endOf(text, '*/', i + 2) + 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the quote closing the string that opens at `open` (or the text's end). */
function stringEnd(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++; // skip the escaped character, whatever it is
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** Index where `marker` next starts at or after `from`, or the text's end. */
function endOf(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? text.length : at;
}

/**
 * `text` without commas that directly precede `}` or `]` (outside strings).
 * Done by hand because it is the commonest slip and jsonrepair's quote
 * heuristics can reject the whole text around it: `{"a": "x{"}` fails there.
 */
function dropTrailingCommas(text: string): string {
  const closerAhead = /\s*[}\]]/y; // sticky: tested at one position, no slicing
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else {
      closerAhead.lastIndex = i + 1;
      if (c !== ',' || !closerAhead.test(text)) out += c;
    }
  }
  return out;
}

/** JSON.parse that returns undefined instead of throwing. */
function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parse one candidate slice, least invasive first: as is, without trailing
 * commas, then through jsonrepair. Only an object counts as a result.
 */
function parseObject(slice: string, repairs: Repairs): Json | null {
  const plain = tryParse(slice);
  if (plain !== undefined) return isObject(plain) ? plain : null;
  const noCommas = tryParse(dropTrailingCommas(slice));
  if (isObject(noCommas)) {
    repairs.add('removed trailing commas');
    return noCommas;
  }
  let repaired: unknown;
  try {
    repaired = tryParse(jsonrepair(slice));
  } catch {
    return null; // jsonrepair gives up with an exception
  }
  if (!isObject(repaired)) return null;
  repairs.add('repaired JSON syntax');
  return repaired;
}

/** Index of the first `{` (or -1); notes any fence or prose before it as repairs. */
function findStart(raw: string, repairs: Repairs): number {
  const brace = raw.indexOf('{');
  if (brace < 0) return -1;
  const fence = FENCE_OPEN.exec(raw);
  // Only a fence *before* the object counts: "```" inside a JSON string is text.
  const fenced = fence !== null && fence.index < brace;
  if (fenced) repairs.add('removed code fence');
  const before = fenced ? raw.slice(0, fence.index) + raw.slice(fence.index + fence[0].length, brace) : raw.slice(0, brace);
  if (before.trim() !== '') repairs.add('removed text before the JSON object');
  return brace;
}

/** Note what followed the object: a closing fence is expected, anything else is prose. */
function noteTrailing(rest: string, repairs: Repairs): void {
  const hadFence = rest.includes('```');
  if (hadFence) repairs.add('removed code fence');
  if (rest.replace(/```/g, '').trim() !== '') repairs.add('removed text after the JSON object');
}

/**
 * Find the reply's JSON object in raw model output and parse it, tolerating
 * fences, surrounding prose and broken syntax (via jsonrepair: trailing commas,
 * single quotes, unquoted keys, comments, truncation).
 */
export function extractJson(raw: string): { value: unknown; repairs: string[] } | { error: string } {
  if (raw.trim() === '') return { error: 'reply: empty, expected a JSON object' };
  const repairs = new Repairs();
  const start = findStart(raw, repairs);
  if (start < 0) return { error: 'reply: no JSON object found, expected a JSON object' };

  const end = matchingBrace(raw, start);
  if (end >= 0) {
    const value = parseObject(raw.slice(start, end), repairs);
    if (value) {
      noteTrailing(raw.slice(end), repairs);
      return { value, repairs: repairs.list };
    }
  }
  // Truncated (no matching brace) or the brace scan was fooled, e.g. by a stray
  // quote: let jsonrepair see everything from the first `{`, minus a closing fence.
  const tail = raw.slice(start).replace(/```\s*$/, '');
  const value = parseObject(tail, repairs);
  if (value) {
    if (end < 0) repairs.add('closed truncated JSON');
    return { value, repairs: repairs.list };
  }
  return { error: 'reply: could not parse the JSON object' };
}

// ---------------------------------------------------------------------------
// Coercing small, safe things before validation

/** Keys a model uses for a choice's text when it sends choices as objects. */
const CHOICE_TEXT_KEYS = ['text', 'label', 'choice', 'option', 'title', 'description'] as const;

/** "1. Go north", "2) Wait", "- Run" -> the bare choice text. Not "1.5 coins". */
const LIST_MARKER = /^\s*(?:\d{1,2}[.)](?!\d)|[-*•])\s*/;

/** `{ "turn": { narration, ... } }` -> the inner object, when the outer has no narration. */
function unwrap(obj: Json, repairs: Repairs): Json {
  if ('narration' in obj) return obj;
  for (const [key, inner] of Object.entries(obj)) {
    if (isObject(inner) && 'narration' in inner) {
      repairs.add(`unwrapped the "${key}" wrapper object`);
      return inner;
    }
  }
  return obj;
}

function choiceText(item: unknown, repairs: Repairs): unknown {
  if (!isObject(item)) return item;
  for (const key of CHOICE_TEXT_KEYS) {
    const text = item[key];
    if (typeof text === 'string') {
      repairs.add('choices given as objects turned into strings');
      return text;
    }
  }
  return item; // left for validation to report
}

function coerceChoices(choices: unknown, repairs: Repairs): unknown {
  let list = choices;
  if (typeof list === 'string') {
    repairs.add('choices given as one text turned into a list');
    list = list
      .split('\n')
      .map((line) => line.replace(LIST_MARKER, '').trim())
      .filter((line) => line !== '');
  }
  if (!Array.isArray(list)) return list;
  const items = list.map((item) => choiceText(item, repairs));
  if (items.length > LIMITS.choicesMax) {
    repairs.add(`kept the first ${LIMITS.choicesMax} of ${items.length} choices`);
    return items.slice(0, LIMITS.choicesMax);
  }
  return items;
}

/** "+5", " -2 ", "1.5" -> number; anything else is left for validation to report. */
function numberFrom(v: unknown, repairs: Repairs): unknown {
  if (typeof v !== 'string' || !/^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/.test(v)) return v;
  repairs.add('numbers given as strings turned into numbers');
  return Number(v);
}

function booleanFrom(v: unknown, repairs: Repairs): unknown {
  if (typeof v !== 'string') return v;
  const word = v.trim().toLowerCase();
  if (word !== 'true' && word !== 'false') return v;
  repairs.add('"true"/"false" strings turned into booleans');
  return word === 'true';
}

/** Apply `fix` to one field of each object in an array; other shapes pass through. */
function mapField(list: unknown, field: string, fix: (v: unknown) => unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item: unknown) => (isObject(item) && field in item ? { ...item, [field]: fix(item[field]) } : item));
}

function coerceChanges(changes: unknown, repairs: Repairs): unknown {
  if (changes === undefined || changes === null) {
    repairs.add('missing state_changes taken as no changes');
    return { add_items: [], remove_items: [], stats: [], flags: [] };
  }
  if (!isObject(changes)) return changes;
  const out: Json = { ...changes };
  for (const key of ['add_items', 'remove_items', 'stats', 'flags']) {
    if (out[key] === undefined || out[key] === null) {
      repairs.add(`missing state_changes.${key} taken as empty`);
      out[key] = [];
    }
  }
  out.stats = mapField(out.stats, 'delta', (v) => numberFrom(v, repairs));
  out.flags = mapField(out.flags, 'value', (v) => booleanFrom(v, repairs));
  return out;
}

/** Absent or `false` means "no ending"; the schema wants an explicit null. */
function coerceGameOver(v: unknown, repairs: Repairs): unknown {
  if (v === undefined) repairs.add('missing game_over set to null');
  else if (v === false) repairs.add('game_over: false set to null');
  else return v;
  return null;
}

function coerceReply(obj: Json, repairs: Repairs): Json {
  const out: Json = { ...obj };
  if ('choices' in out) out.choices = coerceChoices(out.choices, repairs);
  if (out.image_prompt === undefined) {
    repairs.add('missing image_prompt set to null');
    out.image_prompt = null;
  }
  out.state_changes = coerceChanges(out.state_changes, repairs);
  out.game_over = coerceGameOver(out.game_over, repairs);
  return out;
}

/** Keys the schema drops silently; worth a note when a model invents fields. */
function noteUnknownKeys(obj: Json, repairs: Repairs): void {
  // `outcome` is the engine's verdict, asked for first on rails (request.ts): expected, and dropped.
  // So is `pose_riddle` (a free-play pack with riddles): the engine reads it from the raw reply.
  const unknown = Object.keys(obj).filter((k) => !(k in Reply.shape) && k !== 'outcome' && k !== 'pose_riddle');
  if (unknown.length > 0) repairs.add(`ignored unknown fields: ${unknown.join(', ')}`);
}

/** Extract, coerce and validate one model reply. */
export function extractReply(raw: string): ExtractOk<Reply> | ExtractFail {
  const found = extractJson(raw);
  if ('error' in found) return { ok: false, error: found.error, repairs: [] };
  const repairs = new Repairs();
  found.repairs.forEach((r) => repairs.add(r));
  if (!isObject(found.value)) return { ok: false, error: 'reply: expected a JSON object', repairs: repairs.list };

  const obj = unwrap(found.value, repairs);
  noteUnknownKeys(obj, repairs);
  // reportInput puts each bad value on its issue, so errors can say "got 1".
  const parsed = Reply.safeParse(coerceReply(obj, repairs), { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data, repairs: repairs.list };
  return { ok: false, error: describeZodError(parsed.error, Reply), repairs: repairs.list };
}

// ---------------------------------------------------------------------------
// Describing validation errors in plain words

/** ["state_changes", "stats", 0, "delta"] -> "state_changes.stats[0].delta". */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'reply' : out;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Strings quoted, everything else as text (JSON.stringify would throw on a bigint). */
function quoted(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

type JsonSchema = { [k: string]: unknown };

/**
 * The JSON-schema node at `path`, used only to find the *other* bound of a
 * range (zod reports just the one broken), so messages read "2 to 6 items".
 */
function schemaAt(root: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const key of path) {
    if (!node) return undefined;
    const branches: unknown[] = Array.isArray(node.anyOf) ? node.anyOf : [node];
    const next: unknown[] = branches.map((b) => {
      const s = b as JsonSchema;
      return typeof key === 'number' ? s.items : (s.properties as JsonSchema | undefined)?.[String(key)];
    });
    node = next.find((n) => isObject(n)) as JsonSchema | undefined;
  }
  return node;
}

function rangeText(min: unknown, max: unknown, unit: string): string {
  if (typeof min === 'number' && typeof max === 'number') return `${min} to ${max} ${unit}`;
  if (typeof min === 'number') return `at least ${min} ${unit}`;
  return `at most ${String(max)} ${unit}`;
}

/** The size message for too_small / too_big on a string or an array. */
function sizeMessage(issue: z.core.$ZodIssue, bounds: JsonSchema | undefined): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const input: unknown = issue.input;
  if (issue.origin === 'array') {
    const min = small ? limit : bounds?.minItems;
    const max = small ? bounds?.maxItems : limit;
    const got = Array.isArray(input) ? `, got ${input.length}` : '';
    return `expected ${rangeText(min, max, 'items')}${got}`;
  }
  if (issue.origin === 'string') {
    if (small && limit === 1) return 'must not be empty';
    const got = typeof input === 'string' ? `, got ${input.length}` : '';
    return `${small ? 'too short' : 'too long'}: ${small ? 'at least' : 'at most'} ${String(limit)} characters${got}`;
  }
  return undefined;
}

function issueMessage(issue: z.core.$ZodIssue, bounds: JsonSchema | undefined, input: unknown): string {
  if (issue.code === 'invalid_type') {
    if (isMissing(issue, input)) return 'missing';
    if ('input' in issue) return `expected ${issue.expected}, got ${typeName(issue.input)}`;
    return issue.message;
  }
  if (issue.code === 'invalid_value') {
    const got = 'input' in issue ? `, got ${quoted(issue.input)}` : '';
    return `expected one of ${issue.values.map(quoted).join(', ')}${got}`;
  }
  return sizeMessage(issue, bounds) ?? issue.message;
}

/**
 * Turn a ZodError into one line naming each field: "choices: expected 2 to 6
 * items, got 1; narration: missing". Pass the schema that was validated to
 * get both ends of size ranges; without it, only the broken bound is named.
 * Best with `safeParse(x, { reportInput: true })`, which adds the "got ..." parts; without it,
 * pass the validated `input` so a missing key is told by the data, not by zod's wording.
 */
export function describeZodError(err: z.ZodError, schema?: z.ZodType, input?: unknown): string {
  const root = schema ? jsonSchemaOf(schema) : undefined;
  return err.issues
    .map((issue) => {
      const bounds = root ? schemaAt(root, issue.path) : undefined;
      return `${pathText(issue.path)}: ${issueMessage(issue, bounds, input)}`;
    })
    .join('; ');
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema | undefined {
  try {
    return z.toJSONSchema(schema) as JsonSchema;
  } catch {
    return undefined; // schemas with transforms etc. cannot convert; fall back to one bound
  }
}

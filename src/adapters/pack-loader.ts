/**
 * Finding and loading packs from disk. Every problem is reported with its file,
 * line and key; a pack is data, so nothing in it is ever run.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync, constants } from 'node:fs';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ExampleTurn, FreeRiddle, LoreEntry, Manifest, PackTests, Script, type Pack, type PackTest } from '../core/pack.js';
import { Reply } from '../core/reply.js';
import { checkNames, checkScript, checkSecrets, checkTests, type Problem } from '../core/pack-check.js';
import { checkLeaks } from '../core/pack-leaks.js';
import { packFormatProblem } from '../core/pack-format.js';
import { isMissing } from '../core/zod-missing.js';
import { renderTemplate, stringsIn } from '../core/template.js';
import { UnknownPack, UsageError } from '../core/errors.js';
import { BUNDLED_PACKS_DIR } from './paths.js';
import { BoundedCache } from '../core/memo.js';

const KNOWN_PLACEHOLDERS = 'known: {{var.NAME}} for each pack variable, {{pack.title}}, {{pack.language}}, {{image.style}}';

export interface LocatedProblem {
  file: string;
  line: number | null;
  key: string;
  message: string;
  warning: boolean;
}

interface Parsed {
  file: string;
  value: unknown;
  doc: Document | null;
  lines: LineCounter;
}

const MANIFEST_NAMES = ['pack.yaml', 'pack.yml', 'pack.json'];

export function formatProblem(p: LocatedProblem): string {
  const where = `${p.file}${p.line ? `:${p.line}` : ''}`;
  return `${where}: ${p.key ? `${p.key}: ` : ''}${p.message}${p.warning ? ' (warning)' : ''}`;
}

class Collector {
  readonly problems: LocatedProblem[] = [];
  constructor(readonly dir: string) {}

  rel(file: string): string {
    const r = relative(process.cwd(), file);
    return r && !r.startsWith('..') ? r : file;
  }

  add(parsed: Parsed | string, path: (string | number)[], message: string, warning = false, at?: number): void {
    const file = typeof parsed === 'string' ? parsed : parsed.file;
    const line = at ?? (typeof parsed === 'string' ? null : lineOf(parsed, path));
    this.problems.push({ file: this.rel(file), line, key: path.join('.'), message, warning });
  }

  zod(parsed: Parsed, error: z.ZodError, prefix: (string | number)[] = []): void {
    for (const issue of error.issues) {
      const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.add(parsed, [...path, key], 'unknown key (a typo?)');
      } else this.add(parsed, path, expectation(issue, isMissing(issue, parsed.value ?? null, prefix) ? 'missing' : 'present'));
    }
  }

  get errors(): LocatedProblem[] {
    return this.problems.filter((p) => !p.warning);
  }
}

/** zod's words, said the way an author needs them: a missing key is "missing", not "received undefined". */
function expectation(issue: z.core.$ZodIssue, value: 'missing' | 'present'): string {
  if (issue.code === 'invalid_type' && value === 'missing') return `missing: expected ${issue.expected}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function lineOf(parsed: Parsed, path: (string | number)[]): number | null {
  if (!parsed.doc) return null;
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = parsed.doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return null;
}

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/** JSON.parse's complaint, without the echo of the source it sometimes adds. */
function jsonSyntaxError(text: string): { message: string; at: number | null } | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(raw)?.[1];
    const message = raw.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    return { message, at: at === undefined ? null : Number(at) };
  }
}

/**
 * The most a pack file may hold. Everything in a pack is meant for a prompt, and 2 MB of text is
 * about 500,000 tokens, more than any model's window; a larger file is a mistake (or a trap: the
 * YAML parser's memory grows with the file), refused by its size before a byte is parsed.
 */
export const MAX_PACK_FILE_BYTES = 2_000_000;

/** A pack file's text, or why it cannot be had: too large (by its size, unread), not a regular file, unreadable. */
function readPackText(file: string): { text: string } | { problem: string } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named pack.yaml opens at once (and is refused below) instead of hanging.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return { problem: 'cannot read the file' };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'is not a regular file' };
    if (st.size > MAX_PACK_FILE_BYTES) return { problem: `the file is too large (${st.size} bytes; a pack file may hold at most ${MAX_PACK_FILE_BYTES})` };
    // Read through the open descriptor, and at most one byte past the limit: a file that grew since is still refused.
    const buf = Buffer.allocUnsafe(MAX_PACK_FILE_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = n < buf.length ? readSync(fd, buf, n, buf.length - n, null) : 0;
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_PACK_FILE_BYTES) return { problem: `the file is too large (a pack file may hold at most ${MAX_PACK_FILE_BYTES} bytes)` };
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch {
    return { problem: 'cannot read the file' };
  } finally {
    closeSync(fd);
  }
}

/** A file's parse without its name: the same text parses the same wherever it lies. */
type TextParse = Omit<Parsed, 'file'>;

/**
 * Good parses by text, so a pack loaded again in one process (`pack test` and `continue` after
 * `play`, or the test suite hundreds of times) is not parsed again: YAML parsing was most of a
 * load. The values are frozen, so no caller can change what the next load gets; a few dozen
 * texts at most (a pack file is at most 2 MB, a bundled pack's files a few KB).
 */
const parses = new BoundedCache<string, TextParse>(64);

/** Parse a YAML or JSON file, reporting syntax errors with their line. */
function parseFile(file: string, c: Collector): Parsed | null {
  const read = readPackText(file);
  if ('problem' in read) {
    c.add(file, [], read.problem);
    return null;
  }
  const key = `${file.endsWith('.json') ? 'json' : 'yaml'}\0${read.text}`;
  let parsed = parses.get(key);
  if (!parsed) {
    const fresh = parseText(file, read.text, c);
    if (!fresh) return null; // a bad parse is not kept: its problems are reported at every load
    parsed = parses.set(key, { ...fresh, value: deepFreeze(fresh.value) });
  }
  return { file, ...parsed };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function parseText(file: string, text: string, c: Collector): TextParse | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // YAML reads most broken JSON happily (trailing commas, missing values), so .json gets JSON's own parser.
  const jsonProblem = file.endsWith('.json') ? jsonSyntaxError(text) : null;
  if (jsonProblem) {
    const line = jsonProblem.at !== null ? lineAt(text, jsonProblem.at) : doc.errors[0] ? lines.linePos(doc.errors[0].pos[0]).line : null;
    c.problems.push({ file: c.rel(file), line, key: '', message: `invalid JSON: ${jsonProblem.message}`, warning: false });
    return null;
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    c.problems.push({ file: c.rel(file), line: lines.linePos(e.pos[0]).line, key: '', message: `invalid YAML: ${e.message.split('\n')[0]}`, warning: false });
    return null;
  }
  let value: unknown;
  try {
    value = doc.toJS(); // throws on alias bombs ("billion laughs"): a pack is data, never a way in
  } catch (err) {
    c.problems.push({ file: c.rel(file), line: null, key: '', message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}`, warning: false });
    return null;
  }
  return { value, doc: isMap(doc.contents) || doc.contents ? doc : null, lines };
}

/** A file named by the manifest must stay inside the pack folder. */
function packFile(dir: string, name: string, c: Collector, manifest: Parsed, key: string): string | null {
  const full = resolve(dir, name);
  const rel = relative(dir, full);
  if (isAbsolute(name) || rel.startsWith('..')) {
    c.add(manifest, [key], `"${name}" is outside the pack folder`);
    return null;
  }
  if (!existsSync(full)) {
    c.add(manifest, [key], `file "${name}" does not exist in the pack folder`);
    return null;
  }
  if (relative(realpathSync(dir), realpathSync(full)).startsWith('..')) {
    c.add(manifest, [key], `"${name}" links outside the pack folder`);
    return null;
  }
  if (!statSync(full).isFile()) {
    c.add(manifest, [key], `"${name}" is not a file`);
    return null;
  }
  return full;
}

function parsePart<T>(dir: string, name: string | undefined, key: string, schema: z.ZodType<T>, c: Collector, manifest: Parsed) {
  if (!name) return { value: undefined, parsed: null };
  const file = packFile(dir, name, c, manifest, key);
  const parsed = file ? parseFile(file, c) : null;
  if (!parsed) return { value: undefined, parsed: null };
  const result = schema.safeParse(parsed.value);
  if (!result.success) c.zod(parsed, result.error);
  return { value: result.success ? result.data : undefined, parsed };
}

function hashPack(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(basename(f)).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

export interface PackReport {
  pack: Pack | null;
  problems: LocatedProblem[];
  tests: PackTest[];
}

/** Load and check everything in a pack folder; `pack` is null when any error was found. */
export function inspectPack(dir: string): PackReport {
  const c = new Collector(dir);
  const manifestFile = MANIFEST_NAMES.map((n) => join(dir, n)).find((f) => existsSync(f));
  if (!manifestFile) {
    c.add(join(dir, 'pack.yaml'), [], 'no manifest: expected pack.yaml (or pack.json) in the folder');
    return { pack: null, problems: c.problems, tests: [] };
  }
  const parsedManifest = parseFile(manifestFile, c);
  if (!parsedManifest) return { pack: null, problems: c.problems, tests: [] };
  const formatProblem = packFormatProblem(parsedManifest.value);
  if (formatProblem) {
    c.add(parsedManifest, ['format'], formatProblem);
    return { pack: null, problems: c.problems, tests: [] };
  }
  const m = Manifest.safeParse(parsedManifest.value ?? {});
  if (!m.success) {
    c.zod(parsedManifest, m.error);
    return { pack: null, problems: c.problems, tests: [] };
  }
  const manifest = m.data;
  const systemFile = packFile(dir, manifest.system, c, parsedManifest, 'system');
  const systemRead = systemFile ? readPackText(systemFile) : { text: '' };
  if ('problem' in systemRead && systemFile) c.add(systemFile, [], systemRead.problem);
  const systemTemplate = 'text' in systemRead ? systemRead.text : '';
  const examples = parsePart(dir, manifest.examples, 'examples', ExampleTurn.array(), c, parsedManifest);
  examples.value?.forEach((ex, i) => {
    const r = Reply.safeParse(ex.reply);
    if (!r.success && examples.parsed) c.zod(examples.parsed, r.error, [i, 'reply']);
  });
  const lore = parsePart(dir, manifest.lore, 'lore', LoreEntry.array(), c, parsedManifest);
  const riddles = parsePart(dir, manifest.riddles, 'riddles', FreeRiddle.array(), c, parsedManifest);
  const script = parsePart(dir, manifest.script, 'script', Script, c, parsedManifest);
  const tests = parsePart(dir, manifest.tests, 'tests', PackTests, c, parsedManifest);
  const located = (part: Problem['part']): Parsed | string =>
    ({ manifest: parsedManifest, examples: examples.parsed, lore: lore.parsed, riddles: riddles.parsed, script: script.parsed, tests: tests.parsed, system: null })[part] ?? systemFile ?? manifestFile;
  const semantic: Problem[] = script.value ? [...checkScript(script.value, manifest), ...checkSecrets(script.value), ...checkNames(script.value, manifest)] : [];
  // Tests are checked against the script only when the script itself loaded.
  if (tests.value && (script.value || !manifest.script)) semantic.push(...checkTests(tests.value, script.value ?? null, manifest));
  semantic.push(...checkLeaks({ manifest, systemTemplate, examples: examples.value ?? [], lore: lore.value ?? [], script: script.value ?? null, riddles: riddles.value ?? [] }));
  for (const p of semantic) c.add(located(p.part), p.path, p.message, p.warning, p.line);
  const pack: Pack = {
    manifest,
    dir,
    hash: '',
    systemTemplate,
    examples: examples.value ?? [],
    lore: lore.value ?? [],
    script: script.value ?? null,
    riddles: riddles.value ?? [],
  };
  const vars = Object.fromEntries(manifest.variables.map((v) => [v.name, v.default]));
  for (const key of renderTemplate(systemTemplate, pack, vars).unknown) {
    c.add(systemFile ?? manifestFile, [], `unknown placeholder {{${key}}} (${KNOWN_PLACEHOLDERS})`);
  }
  for (const { path, text } of stringsIn(script.value?.scenes ?? {}, ['scenes'])) {
    for (const key of renderTemplate(text, pack, vars).unknown) {
      if (script.parsed) c.add(script.parsed, path, `unknown placeholder {{${key}}} (${KNOWN_PLACEHOLDERS})`);
    }
  }
  if (c.errors.length > 0) return { pack: null, problems: c.problems, tests: tests.value ?? [] };
  const files = [manifestFile, systemFile, examples.parsed?.file, lore.parsed?.file, riddles.parsed?.file, script.parsed?.file, tests.parsed?.file].filter((f): f is string => !!f);
  pack.hash = hashPack(files);
  return { pack, problems: c.problems, tests: tests.value ?? [] };
}

export interface PackLocation {
  dir: string;
  source: 'bundled' | 'user' | 'folder';
}

const looksLikePath = (ref: string) => ref.includes('/') || ref.includes('\\') || ref.startsWith('.');

/** A pack reference: a bundled id, a user pack id (PROMPTQUEST_HOME/packs), or a folder. */
export function locatePack(ref: string, home: string): PackLocation {
  const candidates: PackLocation[] = looksLikePath(ref)
    ? [{ dir: resolve(ref), source: 'folder' }]
    : [
        { dir: join(BUNDLED_PACKS_DIR, ref), source: 'bundled' },
        { dir: join(home, 'packs', ref), source: 'user' },
        { dir: resolve(ref), source: 'folder' },
      ];
  const found = candidates.find((l) => existsSync(l.dir) && statSync(l.dir).isDirectory());
  if (!found) {
    throw new UnknownPack(ref, join(home, 'packs'));
  }
  return found;
}

/** A pack with its tests and warnings; throws a UsageError listing every error when it is invalid. */
export function loadPackReport(ref: string, home: string): PackReport & { pack: Pack } {
  const { dir } = locatePack(ref, home);
  const report = inspectPack(dir);
  const errors = report.problems.filter((p) => !p.warning);
  if (!report.pack || errors.length > 0) {
    throw new UsageError(`invalid pack "${ref}": ${formatProblem(errors[0]!)}`, errors.slice(1).map(formatProblem));
  }
  return { ...report, pack: report.pack };
}

export function loadPack(ref: string, home: string): Pack {
  return loadPackReport(ref, home).pack;
}

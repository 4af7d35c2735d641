/**
 * Issue 10, part 10, in-process: option values a model server would choke on (a seed past 2^53,
 * an empty model name), a config file that is not a JSON object, a fork's "last played", and
 * an `engines` range that says what the dependencies need.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { FORMAT_VERSION, summarize, type Header, type TurnEvent } from '../../src/core/journal.js';
import { openConfig, readConfigFile } from '../../src/adapters/config.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { integer, modelName } from '../../src/cli/options.js';
import { ROOT, tempHome } from '../helpers/cli.js';

function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe('option values', () => {
  it('a whole number must be a safe integer: beyond 2^53 it would be rounded to another number', () => {
    expect(integer('42')).toBe(42);
    expect(integer(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(integer(`-${Number.MAX_SAFE_INTEGER}`)).toBe(-Number.MAX_SAFE_INTEGER);
    const big = refusal(() => integer('99999999999999999999'));
    expect(big).toBeInstanceOf(InvalidArgumentError);
    expect(big.message).toBe('"99999999999999999999" is out of range (whole numbers from -9007199254740991 to 9007199254740991)');
    expect(refusal(() => integer('9007199254740992')).message).toMatch(/out of range/);
    // Number('') is 0: an empty value is not quietly seed 0.
    expect(refusal(() => integer('')).message).toBe('"" is not a whole number');
    expect(refusal(() => integer('1.5')).message).toBe('"1.5" is not a whole number');
  });

  it('a model name must not be empty', () => {
    expect(modelName('llama3.1:8b')).toBe('llama3.1:8b');
    for (const empty of ['', '   ']) {
      const err = refusal(() => modelName(empty));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err.message).toBe('a model name cannot be empty');
    }
  });
});

describe('a config file that is not a JSON object', () => {
  it.each([
    ['[]', 'a list'],
    ['3', 'a number'],
    ['"x"', 'a string'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ])('%s is refused naming the file, and left as it is', async (text, kind) => {
    const home = tempHome('pq-config-shape-');
    const file = join(home, 'config.json');
    writeFileSync(file, `${text}\n`);
    const expected = `the config file ${file} is not a JSON object (it holds ${kind}): fix it or delete it (\`promptquest config path\` prints where it is)`;
    const read = refusal(() => readConfigFile({ PROMPTQUEST_HOME: home }));
    expect(read).toBeInstanceOf(UsageError);
    expect(read.message).toBe(expected);
    // `config set` opens it with conf, which would take it as empty and then overwrite it.
    const opened = await openConfig({ PROMPTQUEST_HOME: home }).then(() => null, (e: unknown) => e as Error);
    expect(opened).toBeInstanceOf(UsageError);
    expect(opened?.message).toBe(expected);
    expect(readFileSync(file, 'utf8')).toBe(`${text}\n`);
  });

  it('an object, and no file at all, still read', () => {
    const home = tempHome('pq-config-shape-');
    expect(readConfigFile({ PROMPTQUEST_HOME: home }).store).toEqual({});
    writeFileSync(join(home, 'config.json'), '{"model":"m"}');
    expect({ ...readConfigFile({ PROMPTQUEST_HOME: home }).store }).toEqual({ model: 'm' });
  });
});

describe('a fork is the game played last', () => {
  const header = (slot: string, created: string, forkedFrom: Header['forked_from'] = null): Header => ({
    type: 'header', format: FORMAT_VERSION, slot, pack: { id: 'lighthouse', version: '1', hash: 'h', dir: null },
    provider: 'offline', model: null, base_url: null, vars: {}, created, forked_from: forkedFrom,
  });
  const turn = (id: number, at: string): TurnEvent => ({
    type: 'turn', id, parent: id === 0 ? null : id - 1, input: id === 0 ? null : '1', said: null, raw: null,
    turn: { narration: `Turn ${id}.`, choices: ['a', 'b'], image_prompt: null, state_changes: { add_items: [], remove_items: [], stats: [], flags: [] }, game_over: null },
    state: { scene: 'start', stats: {}, inventory: [], flags: {}, vars: {}, misses: 0 },
    usage: null, calls: 0, notes: [], at,
  });

  it('its last played time is its creation, not the copied turns of its source', async () => {
    const source = [turn(0, '2026-01-01T10:00:00.000Z'), turn(1, '2026-01-01T10:05:00.000Z'), turn(2, '2026-01-01T10:09:00.000Z')];
    const forked = header('fork', '2026-01-01T11:00:00.000Z', { slot: 'src', turn: 1 });
    expect(summarize(forked, source.slice(0, 1)).lastPlayed).toBe('2026-01-01T11:00:00.000Z');
    // A turn played after the fork counts as usual; so does an ordinary game's last turn.
    expect(summarize(forked, [...source.slice(0, 1), turn(1, '2026-01-01T11:30:00.000Z')]).lastPlayed).toBe('2026-01-01T11:30:00.000Z');
    expect(summarize(header('src', '2026-01-01T09:59:59.000Z'), source).lastPlayed).toBe('2026-01-01T10:09:00.000Z');
    // The list `continue` takes the latest from: the fork comes first.
    const store = new FileSaveStore(join(tempHome('pq-fork-'), 'saves'));
    await store.create(header('src', '2026-01-01T09:59:59.000Z'), source);
    await store.create(forked, source.slice(0, 1));
    expect((await store.list()).map((s) => s.slot)).toEqual(['fork', 'src']);
  });
});

describe('engines', () => {
  type Version = [number, number, number];
  const parse = (v: string): Version => [...v.split('.').map(Number), 0, 0].slice(0, 3) as Version;
  const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  /** Enough of semver for engines ranges: "^a.b.c", ">=a.b.c", ">= a", joined by "||". */
  const satisfies = (v: Version, range: string): boolean =>
    range.split('||').some((part) => {
      const m = /^(\^|>=)\s*([\d.]+)$/.exec(part.trim());
      if (!m) throw new Error(`test: cannot read the range part "${part}"`);
      const floor = parse(m[2]!);
      return cmp(v, floor) >= 0 && (m[1] === '>=' || v[0] === floor[0]);
    });

  interface Manifest {
    engines?: { node?: string };
    dependencies?: Record<string, string>;
  }
  const manifestAt = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

  /** Every package the runtime dependencies pull in, as installed (nested copies first, then hoisted). */
  function runtimePackages(): { name: string; manifest: Manifest }[] {
    const seen = new Map<string, { name: string; manifest: Manifest }>();
    const queue = Object.keys(manifestAt(ROOT).dependencies ?? {}).map((name) => ({ name, from: ROOT }));
    while (queue.length > 0) {
      const { name, from } = queue.shift()!;
      const dir = [join(from, 'node_modules', name), join(ROOT, 'node_modules', name)].find((d) => existsSync(join(d, 'package.json')));
      if (!dir || seen.has(dir)) continue;
      const manifest = manifestAt(dir);
      seen.set(dir, { name, manifest });
      for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir });
    }
    return [...seen.values()];
  }

  it('package.json admits no Node a runtime dependency refuses, and README says the same range', () => {
    const ours = manifestAt(ROOT).engines?.node ?? '';
    expect(ours).toBe('^20.17.0 || ^22.13.0 || >=23.5.0');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(ours);
    const ranges = runtimePackages().flatMap(({ name, manifest }) => (manifest.engines?.node ? [{ name, engines: manifest.engines.node }] : []));
    expect(ranges.map((r) => r.name)).toContain('@inquirer/core');
    const probes = ['20.0.0', '20.16.0', '20.17.0', '20.19.5', '21.7.0', '22.0.0', '22.12.0', '22.13.0', '23.4.0', '23.5.0', '24.0.0', '26.1.0'].map(parse);
    for (const v of probes.filter((p) => satisfies(p, ours))) {
      for (const r of ranges) expect(satisfies(v, r.engines), `${v.join('.')}: ${r.name} needs ${r.engines}`).toBe(true);
    }
    // And it is not stricter than it needs to be: 20.17, 22.13 and 24 are in.
    for (const v of ['20.17.0', '22.13.0', '24.0.0']) expect(satisfies(parse(v), ours)).toBe(true);
  });
});

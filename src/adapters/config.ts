/** The config file (conf), kept in PROMPTQUEST_HOME when set, else the platform's config folder. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Conf from 'conf';
import envPaths from 'env-paths';
import { UsageError } from '../core/errors.js';
import { CONFIG_KEYS, ConfigValues, type Env } from '../core/settings.js';
import type { Capability } from '../core/request.js';
import type { ContextCache, ContextMemo } from './context-keeper.js';

export type { Capability };

interface Stored extends ConfigValues {
  /** What response_format each server+model accepted, so the next run starts right. */
  capabilities?: Record<string, Capability>;
  /** Context windows and token calibration learned per server+model. */
  contexts?: Record<string, ContextMemo>;
}

function configDir(env: Env): string {
  const home = env.PROMPTQUEST_HOME?.trim();
  return home ? resolve(home) : envPaths('promptquest', { suffix: '' }).config;
}

/** Where the config file is, found without reading it (so `config path` works on a broken file). */
export const configPath = (env: Env = process.env): string => join(configDir(env), 'config.json');

/** A config file that cannot be read or parsed: one line saying which file and what to do. */
function unreadable(path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const what = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : `cannot be read (${code ?? String(err)})`;
  return new UsageError(`the config file ${path} ${what}: fix it or delete it (\`promptquest config path\` prints where it is)`);
}

/** "a list", "a number", "null": what a config file holds instead of an object. */
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'a string' : `a ${typeof v}`);

/** The parsed file must be one JSON object: anything else would be read as empty, or replaced by `config set`. */
function asObject(path: string, value: unknown): object {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  throw new UsageError(`the config file ${path} is not a JSON object (it holds ${kindOf(value)}): fix it or delete it (\`promptquest config path\` prints where it is)`);
}

/** The file's text, or null when there is none yet. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(path, err);
  }
}

/** Conf reads the file when it opens and again on every get and set. */
function guarded<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** Conf (and the validator it loads) is imported on first use: `--help`, replay and saves start without it. */
export async function openConfig(env: Env = process.env): Promise<Conf<Stored>> {
  const path = configPath(env);
  // Conf would take a list or a number as an empty config, and `config set` would then overwrite it.
  readConfigFile(env);
  const { default: Conf } = await import('conf');
  return guarded(path, () => new Conf<Stored>({
    projectName: 'promptquest',
    projectSuffix: '',
    cwd: configDir(env),
    configName: 'config',
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    clearInvalidConfig: false,
  }));
}

/** What reading settings needs of a config: an open conf, or the file read by readConfigFile. */
export interface ConfigSource {
  readonly path: string;
  readonly store: object;
}

/**
 * The config file read as conf reads it (JSON; a missing file is empty), without loading conf
 * and the validator it brings (~150 module files): `play` only reads settings. Writing (config
 * set, the capability cache) still goes through openConfig.
 */
export function readConfigFile(env: Env = process.env): ConfigSource {
  const path = configPath(env);
  const text = readText(path);
  if (text === null) return { path, store: {} };
  const parsed: unknown = guarded(path, () => JSON.parse(text));
  const store: object = Object.assign(Object.create(null) as object, asObject(path, parsed));
  return { path, store };
}

/** Everything in the file, for `config list`; a broken file is a UsageError. */
export const storedValues = (conf: ConfigSource): Record<string, unknown> => guarded(conf.path, () => ({ ...conf.store }));

export interface ConfigRead {
  values: ConfigValues;
  /** One line per key that was ignored, naming the file and the key. */
  problems: string[];
}

/** The user-settable values, each checked on its own: a bad one is ignored (and reported), the rest still count. */
export function readConfigValues(conf: ConfigSource): ConfigRead {
  const valid: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(storedValues(conf))) {
    if (key === 'capabilities' || key === 'contexts') continue;
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      problems.push(`${conf.path}: ignored unknown key "${key}" (keys: ${CONFIG_KEYS.join(', ')})`);
      continue;
    }
    const parsed = ConfigValues.shape[key as keyof ConfigValues].safeParse(value);
    if (parsed.success) valid[key] = parsed.data;
    else problems.push(`${conf.path}: ignored ${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}; fix it with: promptquest config set ${key} <value>`);
  }
  return { values: ConfigValues.parse(valid), problems };
}

export interface CapabilityCache {
  get(key: string): Capability | undefined;
  set(key: string, value: Capability): void;
}

export function capabilityCache(conf: Conf<Stored>): CapabilityCache {
  return {
    get: (key) => conf.get('capabilities')?.[key],
    set: (key, value) => conf.set('capabilities', { ...(conf.get('capabilities') ?? {}), [key]: value }),
  };
}

export function contextCache(conf: Conf<Stored>): ContextCache {
  return {
    get: (key) => {
      const memo = conf.get('contexts')?.[key];
      return memo && typeof memo === 'object' ? memo : undefined;
    },
    set: (key, value) => conf.set('contexts', { ...(conf.get('contexts') ?? {}), [key]: value }),
  };
}

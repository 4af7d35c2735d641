/** `promptquest config list | get | set | unset | path`: the settings file (the commands: commands/config.ts). */
import { UsageError } from '../core/errors.js';
import { CONFIG_KEYS, ConfigValues, shownURL } from '../core/settings.js';
import { sanitizeText } from '../core/sanitize.js';
import { configPath, openConfig, readConfigValues, storedValues } from '../adapters/config.js';
import { io } from './io.js';

type Key = (typeof CONFIG_KEYS)[number];

function checkKey(key: string): Key {
  if (!(CONFIG_KEYS as string[]).includes(key)) throw new UsageError(`unknown config key "${key}" (keys: ${CONFIG_KEYS.join(', ')})`);
  return key as Key;
}

/** Keys are secrets: shown masked, so a pasted `config list` never leaks one (nor credentials in a base URL). */
function shown(key: Key, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'api_key') return `${value.slice(0, 3)}…${value.slice(-4)} (hidden)`;
  if ((key === 'base_url' || key === 'images_base_url') && shownURL(value) !== value.replace(/\/+$/, '')) return `${shownURL(value)} (credentials hidden)`;
  return value;
}

export async function listConfig(): Promise<void> {
  const conf = await openConfig(io().env);
  const stored = storedValues(conf);
  const set = CONFIG_KEYS.filter((key) => stored[key] !== undefined);
  for (const key of set) io().stdout.write(`${sanitizeText(`${key}=${shown(key, stored[key])}`)}\n`);
  // Said on stderr, so stdout stays the plain key=value list scripts read.
  if (set.length === 0) io().stderr.write(`Nothing is set (${conf.path}); defaults apply. Keys: ${CONFIG_KEYS.join(', ')}\n`);
  for (const p of readConfigValues(conf).problems) io().stderr.write(`${sanitizeText(p)}\n`);
}

/** Exit 1, printing nothing, when the key is not set. */
export async function getConfig(key: string): Promise<number> {
  const k = checkKey(key);
  const value = storedValues(await openConfig(io().env))[k];
  if (value === undefined) return 1;
  io().stdout.write(`${sanitizeText(shown(k, value))}\n`);
  return 0;
}

export async function setConfig(key: string, value: string): Promise<void> {
  const k = checkKey(key);
  const parsed = ConfigValues.shape[k].safeParse(value);
  if (!parsed.success) throw new UsageError(`invalid value for ${k}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const conf = await openConfig(io().env);
  conf.set(k, parsed.data);
  // Said back as stored (masked where secret), so a typo in a value shows at once.
  io().stdout.write(`${sanitizeText(`${k}=${shown(k, parsed.data)}`)} (saved in ${conf.path})\n`);
}

export async function unsetConfig(key: string): Promise<void> {
  const k = checkKey(key);
  const conf = await openConfig(io().env);
  const was = storedValues(conf)[k] !== undefined;
  conf.delete(k);
  io().stdout.write(`${k} ${was ? 'is unset' : 'was not set'}; the default applies\n`);
}

export function printConfigPath(): void {
  io().stdout.write(`${configPath(io().env)}\n`);
}

/** `promptquest config list | get | set | unset | path`: the settings file. */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../core/errors.js';
import { CONFIG_KEYS, ConfigValues, shownURL } from '../core/settings.js';
import { sanitizeText } from '../core/sanitize.js';
import { configPath, openConfig, readConfigValues, storedValues } from '../adapters/config.js';
import { action } from './run.js';

type Key = (typeof CONFIG_KEYS)[number];

function checkKey(key: string): Key {
  if (!(CONFIG_KEYS as string[]).includes(key)) throw new UsageError(`unknown config key "${key}" (keys: ${CONFIG_KEYS.join(', ')})`);
  return key as Key;
}

/** Keys are secrets: shown masked, so a pasted `config list` never leaks one (nor credentials in a base URL). */
function shown(key: Key, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'api_key') return `${value.slice(0, 3)}…${value.slice(-4)} (hidden)`;
  if (key === 'base_url' && shownURL(value) !== value.replace(/\/+$/, '')) return `${shownURL(value)} (credentials hidden)`;
  return value;
}

export function configCommand() {
  const cmd = new Command('config').description(`read or change settings (${CONFIG_KEYS.join(', ')})`);
  cmd.command('list').description('show every setting that is set (and, on stderr, any that are ignored)').action(action(async () => {
    const conf = await openConfig();
    const stored = storedValues(conf);
    const set = CONFIG_KEYS.filter((key) => stored[key] !== undefined);
    for (const key of set) process.stdout.write(`${sanitizeText(`${key}=${shown(key, stored[key])}`)}\n`);
    // Said on stderr, so stdout stays the plain key=value list scripts read.
    if (set.length === 0) process.stderr.write(`Nothing is set (${conf.path}); defaults apply. Keys: ${CONFIG_KEYS.join(', ')}\n`);
    for (const p of readConfigValues(conf).problems) process.stderr.write(`${sanitizeText(p)}\n`);
  }));
  cmd.command('get').argument('<key>').description('print one setting').action(action(async (key) => {
    const k = checkKey(key);
    const value = storedValues(await openConfig())[k];
    if (value === undefined) return 1;
    process.stdout.write(`${sanitizeText(shown(k, value))}\n`);
  }));
  cmd.command('set').argument('<key>').argument('<value>').description('change a setting').action(action(async (key, value) => {
    const k = checkKey(key);
    const parsed = ConfigValues.shape[k].safeParse(value);
    if (!parsed.success) throw new UsageError(`invalid value for ${k}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    (await openConfig()).set(k, parsed.data);
  }));
  cmd.command('unset').argument('<key>').description('remove a setting').action(action(async (key) => {
    (await openConfig()).delete(checkKey(key));
  }));
  // Works on a broken file too: it is how a user finds the file to fix.
  cmd.command('path').description('print where the config file is').action(action(async () => {
    process.stdout.write(`${configPath()}\n`);
  }));
  return cmd;
}

/** `promptquest config list | get | set | unset | path`: the settings file. */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../core/errors.js';
import { CONFIG_KEYS, ConfigValues } from '../core/settings.js';
import { openConfig } from '../adapters/config.js';
import { action } from './run.js';

type Key = (typeof CONFIG_KEYS)[number];

function checkKey(key: string): Key {
  if (!(CONFIG_KEYS as string[]).includes(key)) throw new UsageError(`unknown config key "${key}" (keys: ${CONFIG_KEYS.join(', ')})`);
  return key as Key;
}

/** Keys are secrets: shown masked, so a pasted `config list` never leaks one. */
const shown = (key: Key, value: unknown): string =>
  key === 'api_key' && typeof value === 'string' ? `${value.slice(0, 3)}…${value.slice(-4)} (hidden)` : String(value);

export function configCommand() {
  const cmd = new Command('config').description(`read or change settings (${CONFIG_KEYS.join(', ')})`);
  cmd.command('list').description('show every setting that is set').action(action(async () => {
    const conf = openConfig();
    for (const key of CONFIG_KEYS) {
      const value = conf.get(key);
      if (value !== undefined) process.stdout.write(`${key}=${shown(key, value)}\n`);
    }
  }));
  cmd.command('get').argument('<key>').description('print one setting').action(action(async (key) => {
    const k = checkKey(key);
    const value = openConfig().get(k);
    if (value === undefined) return 1;
    process.stdout.write(`${shown(k, value)}\n`);
  }));
  cmd.command('set').argument('<key>').argument('<value>').description('change a setting').action(action(async (key, value) => {
    const k = checkKey(key);
    const parsed = ConfigValues.shape[k].safeParse(value);
    if (!parsed.success) throw new UsageError(`invalid value for ${k}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    openConfig().set(k, parsed.data);
  }));
  cmd.command('unset').argument('<key>').description('remove a setting').action(action(async (key) => {
    openConfig().delete(checkKey(key));
  }));
  cmd.command('path').description('print where the config file is').action(action(async () => {
    process.stdout.write(`${openConfig().path}\n`);
  }));
  return cmd;
}

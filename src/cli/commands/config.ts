/** `promptquest config list | get | set | unset | path`: the definitions; ../config.ts (and conf, zod) load when one runs. */
import { Command } from '@commander-js/extra-typings';
import { CONFIG_KEYS } from '../../core/config-keys.js';
import { action } from '../run.js';

const impl = () => import('../config.js');

export function configCommand() {
  const cmd = new Command('config').description(`read or change settings (${CONFIG_KEYS.join(', ')})`);
  cmd.command('list').description('show every setting that is set (and, on stderr, any that are ignored)').action(action(async () => (await impl()).listConfig()));
  cmd.command('get').argument('<key>').description('print one setting').action(action(async (key) => (await impl()).getConfig(key)));
  cmd.command('set').argument('<key>').argument('<value>').description('change a setting').action(action(async (key, value) => (await impl()).setConfig(key, value)));
  cmd.command('unset').argument('<key>').description('remove a setting').action(action(async (key) => (await impl()).unsetConfig(key)));
  // Works on a broken file too: it is how a user finds the file to fix.
  cmd.command('path').description('print where the config file is').action(action(async () => (await impl()).printConfigPath()));
  return cmd;
}

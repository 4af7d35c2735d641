/** Where things live: bundled packs beside the code, user data under PROMPTQUEST_HOME. */
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import envPaths from 'env-paths';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const BUNDLED_PACKS_DIR = join(PACKAGE_ROOT, 'prompts');
export const SAMPLE_SAVES_DIR = join(PACKAGE_ROOT, 'saves');

/** One folder for config, saves and user packs: PROMPTQUEST_HOME, else the platform's data folder. */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.PROMPTQUEST_HOME?.trim();
  return set ? resolve(set) : envPaths('promptquest', { suffix: '' }).data;
}

export const savesDir = (home: string) => join(home, 'saves');

/** How a save records its pack: bundled packs by id alone (null), so saves survive the package moving. */
export function packDirForSave(dir: string, id: string): string | null {
  return resolve(dir) === join(BUNDLED_PACKS_DIR, id) ? null : dir;
}

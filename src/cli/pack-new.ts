/** `promptquest pack new <dir>`: a starter pack that validates, previews, tests and plays at once. */
import { quoteArg } from './quote.js';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { InterruptedError, isPromptInterrupt, UsageError } from '../core/errors.js';
import { scaffoldFiles, type ScaffoldAnswers } from './pack-scaffold.js';
import { io } from './io.js';

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export interface NewFlags {
  yes?: boolean | undefined;
  id?: string | undefined;
  title?: string | undefined;
  language?: string | undefined;
  author?: string | undefined;
}

/** "My Pack!" -> "my-pack": the folder name as a pack id. */
export function idFromFolder(dir: string): string {
  const slug = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 64);
  return ID.test(slug) ? slug : 'my-pack';
}

const titleFromId = (id: string) => id.split(/[-_]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ') || 'My Pack';

function checkAnswers(a: ScaffoldAnswers): ScaffoldAnswers {
  if (!ID.test(a.id)) throw new UsageError(`--id "${a.id}": use lower-case letters, digits, - or _ (max 64), starting with a letter or digit`);
  if (!LANGUAGE.test(a.language)) throw new UsageError(`--language "${a.language}": use a language tag such as en, zh-CN or fr`);
  if (!a.title.trim()) throw new UsageError('--title must not be empty');
  return { ...a, title: a.title.trim(), author: a.author.trim() || 'unknown' };
}

async function ask(defaults: ScaffoldAnswers): Promise<ScaffoldAnswers> {
  const { input } = await import('@inquirer/prompts');
  try {
    const id = await input({ message: 'Pack id', default: defaults.id, validate: (v) => ID.test(v.trim()) || 'lower-case letters, digits, - or _' });
    const title = await input({ message: 'Title', default: defaults.id === id ? defaults.title : titleFromId(id.trim()) });
    const language = await input({ message: 'Language (en, zh-CN, ...)', default: defaults.language, validate: (v) => LANGUAGE.test(v.trim()) || 'a language tag such as en or zh-CN' });
    const author = await input({ message: 'Author', default: defaults.author });
    return { id: id.trim(), title, language: language.trim(), author };
  } catch (err) {
    throw isPromptInterrupt(err) ? new InterruptedError('Interrupted; no pack was written.') : err;
  }
}

/** A new pack goes only into a missing or empty folder: nothing of the author's is overwritten. */
function checkTarget(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a folder; choose a new folder for the pack`);
  if (readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty; choose a new or empty folder (nothing was written)`);
}

export async function newPack(dirArg: string, flags: NewFlags): Promise<number> {
  const dir = resolve(dirArg);
  checkTarget(dir);
  const id = flags.id ?? idFromFolder(dir);
  const defaults: ScaffoldAnswers = {
    id,
    title: flags.title ?? titleFromId(id),
    language: flags.language ?? 'en',
    author: flags.author ?? (io().env.USER || io().env.USERNAME || 'unknown'),
  };
  const interactive = !flags.yes && !!io().stdin.isTTY && !!io().stdout.isTTY;
  const answers = checkAnswers(interactive ? await ask(defaults) : defaults);
  mkdirSync(dir, { recursive: true });
  const files = scaffoldFiles(answers);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: 'wx' });
  const out = (line: string) => io().stdout.write(`${line}\n`);
  out(`Created pack "${answers.id}" in ${dir}: ${Object.keys(files).join(', ')}`);
  out('Next steps (the format is described in docs/packs.md):');
  // A path form ("./my-pack"), quoted if need be, so each hint works when pasted from here.
  const shown = quoteArg(isAbsolute(dirArg) || dirArg.startsWith('.') ? dirArg : `./${dirArg}`);
  for (const cmd of ['pack validate', 'pack preview', 'pack test', 'play']) out(`  promptquest ${cmd} ${shown}`);
  return 0;
}

/**
 * `promptquest export <slot>`: a saved game as a storybook. Reads the save and its pictures,
 * never calls a model, and writes one file (or stdout): HTML with the pictures embedded (or
 * linked from --images-dir), Markdown with image links, or plain text.
 */
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fold, IMAGE_FILE } from '../core/journal.js';
import { buildStorybook, type Storybook } from '../core/storybook.js';
import { storybookHtml, type ImageSource } from '../core/storybook-html.js';
import { storybookMarkdown } from '../core/storybook-md.js';
import { storybookText } from '../core/storybook-txt.js';
import { UsageError } from '../core/errors.js';
import { io } from './io.js';
import { findSave, savedManifest } from './saved-games.js';
import { statLabels } from '../core/status.js';

interface ExportFlags {
  format: 'html' | 'md' | 'txt';
  output?: string | undefined;
  allBranches?: boolean | undefined;
  imagesDir?: string | undefined;
}

/** Every picture the book shows. */
const picturesOf = (book: Storybook): string[] =>
  [...new Set([...book.pages, ...book.branches.flatMap((b) => b.pages)].flatMap((p) => (p.image ? [p.image] : [])))];

/** A link from the output's folder to `file`, with forward slashes (a URL path). */
const linkFrom = (outDir: string, file: string): string => relative(outDir, file).split(sep).join('/');

/** Pictures copied into --images-dir and linked from the output's folder. */
async function copiedSources(files: string[], savesDir: string, dir: string, outDir: string): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--images-dir ${dir}: cannot create that folder (${err.code ?? err.message})`);
  });
  const out = new Map<string, string>();
  for (const f of files) {
    await copyFile(join(savesDir, f), join(dir, f)).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--images-dir ${dir}: cannot copy the picture ${f} there (${err.code ?? err.message})`);
    });
    out.set(f, linkFrom(outDir, join(dir, f)));
  }
  return out;
}

/** Where each picture is seen from: embedded (html), the saved file (md), or the copy. */
async function imageSources(book: Storybook, savesDir: string, flags: ExportFlags, outDir: string): Promise<ImageSource> {
  // A save names its pictures; a hand-edited one might name anything, so only bare PNG names count.
  const files = picturesOf(book).filter((f) => IMAGE_FILE.test(f) && existsSync(join(savesDir, f)));
  const missing = picturesOf(book).filter((f) => !files.includes(f));
  if (missing.length) io().stderr.write(`${missing.length} picture${missing.length === 1 ? '' : 's'} of this game ${missing.length === 1 ? 'is' : 'are'} missing from ${savesDir}; ${missing.length === 1 ? 'its prompt is' : 'their prompts are'} shown instead\n`);
  let sources: Map<string, string>;
  if (flags.imagesDir !== undefined) sources = await copiedSources(files, savesDir, resolve(flags.imagesDir), outDir);
  else if (flags.format === 'html') {
    const embedded = await Promise.all(files.map(async (f) => [f, `data:image/png;base64,${(await readFile(join(savesDir, f))).toString('base64')}`] as const));
    sources = new Map(embedded);
  } else sources = new Map(files.map((f) => [f, linkFrom(outDir, join(savesDir, f))]));
  return (file) => sources.get(file) ?? null;
}

/** Written whole or not at all: a temporary file beside the target, then renamed over it. */
async function writeOutput(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new UsageError(`cannot write ${file} (${code}); nothing was written`);
  }
}

export async function exportSave(slotArg: string, flags: ExportFlags): Promise<number> {
  const { store, slot } = await findSave(slotArg);
  const save = await store.load(slot);
  for (const w of save.warnings) io().stderr.write(`${w}\n`);
  const manifest = savedManifest(save.header); // title, language and stat labels, when the pack is still around
  const book = buildStorybook(save.header, fold(save.events), {
    title: manifest?.title, language: manifest?.language, labels: manifest ? statLabels(manifest) : {}, allBranches: flags.allBranches,
  });
  const out = flags.output === undefined ? null : resolve(flags.output);
  if (out !== null && out.endsWith('.jsonl')) throw new UsageError(`-o ${flags.output}: that looks like a save; choose a .${flags.format} file`);
  const src = flags.format === 'txt' ? () => null : await imageSources(book, store.dir, flags, out === null ? process.cwd() : dirname(out));
  const text = flags.format === 'html' ? storybookHtml(book, src) : flags.format === 'md' ? storybookMarkdown(book, src) : storybookText(book);
  if (out === null) {
    io().stdout.write(text);
    return 0;
  }
  await writeOutput(out, text);
  io().stderr.write(`Wrote ${out} (${book.pages.length} turn${book.pages.length === 1 ? '' : 's'}${book.branches.length ? `, ${book.branches.length} other branch${book.branches.length === 1 ? '' : 'es'}` : ''}).\n`);
  return 0;
}

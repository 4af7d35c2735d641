#!/usr/bin/env node
/**
 * `npm run build`: compile src/ to dist/ with tsc, and on success mark the build with
 * dist/.built. `--if-stale` (what the test run starts, in the background beside the tests that
 * need no build: tests/helpers/build-dist.ts) compiles only when something the build reads
 * changed since that mark: a source file, a tsconfig, the lockfile (a new TypeScript), or a
 * compiled file gone missing. A fresh clone's `npm ci` builds once (the prepare script), and the
 * tests do not spend 4 s compiling the same sources again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mark = join(root, 'dist', '.built');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Why the last build is out of date, or null when it is not. */
function staleness() {
  if (!existsSync(mark)) return 'no finished build';
  const built = statSync(mark).mtimeMs;
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    const path = join(root, name);
    if (existsSync(path) && statSync(path).mtimeMs > built) return `${name} changed`;
  }
  for (const path of files(join(root, 'src'))) {
    if (!path.endsWith('.ts')) continue;
    const rel = relative(join(root, 'src'), path);
    if (statSync(path).mtimeMs > built) return `src/${rel} changed`;
    if (!existsSync(join(root, 'dist', rel.replace(/\.ts$/, '.js')))) return `dist/${rel.replace(/\.ts$/, '.js')} is missing`;
  }
  return null;
}

if (process.argv.includes('--if-stale')) {
  const why = staleness();
  if (why === null) {
    console.log('dist/ is up to date with src/ (npm run build compiles anyway)');
    process.exit(0);
  }
  console.log(`building: ${why}`);
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// The mark is dated when the compiler started: a source saved while it ran is newer, so the next
// run compiles again instead of calling the build up to date.
const started = new Date();
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(mark, `${started.toISOString()}\n`);
utimesSync(mark, started, started);

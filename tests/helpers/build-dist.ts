/**
 * vitest globalSetup: `node scripts/build.mjs --if-stale` in the background, so the tests that
 * need no build (most of them: they import src/ through vitest) start while tsc compiles. The
 * few that run the built CLI wait for it with `distReady()` (tests/helpers/dist.ts). While the
 * build runs dist/.building holds this process's pid (a marker whose process is gone counts for
 * nothing); a failed build leaves its output in dist/.build-failed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_FAILED, BUILDING, building, DIST } from './dist.js';

const ROOT = join(DIST, '..');

export default async function setup(): Promise<() => Promise<void>> {
  mkdirSync(DIST, { recursive: true });
  // Another test run (watch mode, an editor's runner) compiling right now: let it finish first,
  // so two compilers never write dist/ at once.
  while (building()) await new Promise((resolve) => setTimeout(resolve, 100));
  rmSync(BUILD_FAILED, { force: true });
  writeFileSync(BUILDING, `${process.pid}\n`);
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Said as it comes ("building: src/x.ts changed" first), and kept for the failure's message.
  const keep = (d: string): void => {
    output += d;
    process.stdout.write(d);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const done = new Promise<void>((resolve) => {
    const finish = (failure: string | null): void => {
      if (failure !== null) writeFileSync(BUILD_FAILED, failure);
      rmSync(BUILDING, { force: true });
      resolve();
    };
    child.on('error', (err) => finish(`the build could not start: ${err.message}`));
    child.on('close', (code) => finish(code === 0 ? null : `npm run build failed (exit ${code}):\n${output}`));
  });
  // Teardown: never leave the compiler running past the tests.
  return () => done;
}

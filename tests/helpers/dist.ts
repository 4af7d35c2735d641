/**
 * The built CLI (dist/), for the tests that spawn it: compiled in the background while the rest
 * run (tests/helpers/build-dist.ts, vitest's globalSetup). Call `distReady()` before spawning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
export const BUILDING = join(DIST, '.building');
export const BUILD_FAILED = join(DIST, '.build-failed');
const BUILT = join(DIST, '.built');

/** Resolves once this run's build is done; rejects with the compiler's output when it failed. */
export async function distReady(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(BUILDING)) {
    if (Date.now() > deadline) throw new Error(`the build of dist/ took more than ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (existsSync(BUILD_FAILED)) throw new Error(readFileSync(BUILD_FAILED, 'utf8'));
  if (!existsSync(BUILT)) throw new Error('dist/ is not built: run npm run build');
}

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

/** Whether a test run is compiling dist/ now: .building names its process, and that process lives. */
export function building(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(BUILDING, 'utf8'));
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // a run killed mid-build left its marker: not building
  }
}

/** Resolves once this run's build is done; rejects with the compiler's output when it failed. */
export async function distReady(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (building()) {
    if (Date.now() > deadline) throw new Error(`the build of dist/ took more than ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (existsSync(BUILD_FAILED)) throw new Error(readFileSync(BUILD_FAILED, 'utf8'));
  if (!existsSync(BUILT)) throw new Error('dist/ is not built: run npm run build');
}

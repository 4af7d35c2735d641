import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/helpers/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Three workers for CI's two cores: with two, the workers sat idle 60% of the run (CPU
    // profiles), waiting on what tests must wait for (the SDK's retry backoff, a silence
    // timeout passing, tmux drawing a screen, a spawned CLI), so a third overlaps those waits.
    // A fourth only fought over the two cores (1 s faster, and every CPU-bound test slower).
    maxWorkers: 3,
    // Files share their worker's module cache: loading the app (zod, the openai SDK, the engine)
    // once per worker instead of once per file halves the suite's CPU time. What a file changes
    // in the process is put back after it: environment stubs here, temp homes in setup.ts.
    isolate: false,
    unstubEnvs: true,
    unstubGlobals: true,
    setupFiles: ['tests/helpers/setup.ts'],
    // Compiles dist/ when src/ changed, in the background: only the tests that spawn the built CLI wait for it.
    globalSetup: ['tests/helpers/build-dist.ts'],
    reporters: ['default', new SummaryReporter()],
  },
});

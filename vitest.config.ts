import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/helpers/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two workers for two cores; the few tests that spawn the CLI wait on it, they do not compute.
    maxWorkers: 2,
    // Files share their worker's module cache: loading the app (zod, the openai SDK, the engine)
    // once per worker instead of once per file halves the suite's CPU time. What a file changes
    // in the process is put back after it: environment stubs here, temp homes in setup.ts.
    isolate: false,
    unstubEnvs: true,
    unstubGlobals: true,
    setupFiles: ['tests/helpers/setup.ts'],
    reporters: ['default', new SummaryReporter()],
  },
});

import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/helpers/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // e2e tests spawn the built CLI; keep the 2-core machine from thrashing.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
  },
});

/**
 * The plain summary line never says "0 failed" when vitest failed. The modules here are
 * stand-ins with just what the reporter reads; the real cases (a file that does not load, an
 * unhandled rejection, a throwing afterAll, a worker killed or out of memory) were run by hand.
 */
import { describe, expect, it } from 'vitest';
import type { SerializedError, TestModule } from 'vitest/node';
import { summaryLine } from '../helpers/summary-reporter.js';

type State = 'passed' | 'failed' | 'skipped' | 'pending';
const error = (message: string): SerializedError => ({ name: 'Error', message, stack: '' }) as SerializedError;

function module(tests: State[], errors: SerializedError[] = [], suiteErrors: SerializedError[] = []): TestModule {
  return {
    errors: () => errors,
    children: {
      allTests: () => tests.map((state) => ({ result: () => ({ state }) }))[Symbol.iterator](),
      allSuites: () => [{ errors: () => suiteErrors }][Symbol.iterator](),
    },
  } as unknown as TestModule;
}

describe('the summary line', () => {
  it('counts tests when all is well', () => {
    expect(summaryLine([module(['passed', 'passed', 'skipped'])], [], 'passed')).toBe('2 passed, 0 failed, 1 skipped');
  });

  it('a file that does not load, a hook that throws and an unhandled error each count as a failure, the first named', () => {
    const line = summaryLine([module([], [error('Cannot find module x')]), module(['passed'], [], [error('afterAll broke')])], [error('stray rejection')], 'failed');
    expect(line).toBe('1 passed, 3 failed, 0 skipped (3 outside tests, first: Error: Cannot find module x)');
  });

  it('a worker that died: its error counts, its unrun tests are skipped', () => {
    const line = summaryLine([module(['skipped'])], [error('[vitest-pool]: Worker forks emitted error.\nmore')], 'failed');
    expect(line).toBe('0 passed, 1 failed, 1 skipped (1 outside tests, first: Error: [vitest-pool]: Worker forks emitted error.)');
  });

  it('a run vitest calls failed is never "0 failed", even when nothing names why', () => {
    expect(summaryLine([module(['passed'])], [], 'failed')).toMatch(/^1 passed, 1 failed, 0 skipped \(vitest reported the run failed/);
    expect(summaryLine([module(['passed'])], [], 'interrupted')).toBe('1 passed, 1 failed, 0 skipped (the run was interrupted)');
  });
});

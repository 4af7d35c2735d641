/**
 * Ends every run with one plain line, "N passed, N failed, N skipped", which CI
 * systems that do not know vitest's own summary can read.
 *
 * A run can fail with no test failing: a file that does not load, a beforeAll or afterAll
 * that throws, an unhandled error, a worker that ran out of memory. Each of those errors
 * counts as a failure here, and a run vitest calls failed never ends with "0 failed".
 */
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/** Errors that belong to no test: the files' own and their suites' (hooks, collection). */
function errorsOutsideTests(modules: ReadonlyArray<TestModule>): SerializedError[] {
  return modules.flatMap((m) => [...m.errors(), ...[...m.children.allSuites()].flatMap((s) => s.errors())]);
}

export function summaryLine(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>, reason: TestRunEndReason): string {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failed++;
      else skipped++;
    }
  }
  const outside = [...errorsOutsideTests(modules), ...unhandled];
  // vitest's own verdict has the last word: a failed or interrupted run that names no error still counts once.
  const total = Math.max(failed + outside.length, reason === 'passed' ? 0 : 1);
  const notes = [
    ...(outside.length > 0 ? [`${outside.length} outside tests, first: ${oneLine(outside[0])}`] : []),
    ...(reason === 'interrupted' ? ['the run was interrupted'] : total > failed + outside.length ? ['vitest reported the run failed; see its output above'] : []),
  ];
  return `${passed} passed, ${total} failed, ${skipped} skipped${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

const oneLine = (e: SerializedError | undefined): string => `${e?.name ?? 'Error'}: ${String(e?.message ?? '').split('\n')[0]}`.slice(0, 200);

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    process.stdout.write(`\n${summaryLine(modules, unhandledErrors, reason)}\n`);
  }
}

import type { z } from 'zod';

/** The value at a zod issue's path inside `root`, or undefined when any step is absent. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Whether a zod issue is about a value that is not there at all (a missing key), decided from
 * the data — the issue's `input` (with reportInput) or the value looked up in `root` — never
 * from the words of zod's message, which change between versions. `prefix` is where in `root`
 * the validated value sits (e.g. [3, 'reply'] for one example's reply).
 */
export function isMissing(issue: z.core.$ZodIssue, root?: unknown, prefix: readonly PropertyKey[] = []): boolean {
  if (issue.code !== 'invalid_type') return false;
  if ('input' in issue) return issue.input === undefined;
  return root !== undefined && valueAt(root, [...prefix, ...issue.path]) === undefined;
}

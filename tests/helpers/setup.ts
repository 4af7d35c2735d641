// Runs before each test file (vitest.config.ts setupFiles). Test files share their worker's
// modules (isolate: false), so a helper's module-level afterAll would only see the first file.
import { afterAll } from 'vitest';
import { removeTempHomes } from './cli.js';

afterAll(removeTempHomes);

// Property tests draw the same cases on every run (set PQ_FC_SEED to explore others): a suite
// must not pass or fail by the luck of the draw. A failure prints its seed and path to replay it.
import fc from 'fast-check';
fc.configureGlobal({ seed: Number(process.env.PQ_FC_SEED ?? 20261201) });

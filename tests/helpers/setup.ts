// Runs before each test file (vitest.config.ts setupFiles). Test files share their worker's
// modules (isolate: false), so a helper's module-level afterAll would only see the first file.
import { afterAll } from 'vitest';
import { removeTempHomes } from './cli.js';

afterAll(removeTempHomes);

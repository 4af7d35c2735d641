// node --import ./module-recorder.mjs: every module URL the process resolves (through import)
// is appended, one a line, to the file named by PQ_RECORD_MODULES. Used by tests/e2e/startup.test.ts.
import { register } from 'node:module';

register('./module-recorder-hooks.mjs', import.meta.url, { data: { out: process.env.PQ_RECORD_MODULES } });

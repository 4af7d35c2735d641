#!/usr/bin/env node
// The process's own streams, env and exit code; tests also run main() in-process with their own.
import { main, processIo } from '../dist/cli/main.js';
import { endQuietlyOnClosedPipe } from '../dist/cli/run.js';

endQuietlyOnClosedPipe();
process.exitCode = await main(process.argv, processIo);

/**
 * What only the real process shows (the other command tests run main() in-process): the bin
 * file runs by its shebang, and a reader that closes the pipe early ends the CLI quietly
 * (bin/promptquest.js installs that EPIPE handler on the process's own stdout).
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, ROOT, tempHome } from '../helpers/cli.js';
import { distReady } from '../helpers/dist.js';

// This file runs the built CLI: wait for this run's build of dist/ (started by vitest's globalSetup).
beforeAll(() => distReady(), 120_000);

function finished(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the CLI as a process', () => {
  it('bin/promptquest.js runs by itself (its shebang and mode), as `npm link` installs it', async () => {
    const r = await finished(spawn(BIN, ['--version'], { cwd: ROOT, env: cleanEnv(tempHome()) }));
    expect(r).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
  });

  it('a reader that closes the pipe at once (`replay x | head -0`): exit 0, no EPIPE trace', async () => {
    const child = spawn(process.execPath, [BIN, 'replay', 'lighthouse-sample', '--instant'], { cwd: ROOT, env: cleanEnv(tempHome()), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // before the CLI has started: every write it makes meets a closed pipe
    const r = await finished(child);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.code).toBe(0);
  });
});

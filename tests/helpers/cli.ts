/**
 * Runs the built CLI (dist/, built by `npm test` before vitest) as a child process,
 * with its own PROMPTQUEST_HOME, piped stdin and no API key from the outside world.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { distReady } from './dist.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'promptquest.js');

/** In CI (`CI` set, and not false or 0) the terminal and browser tests run whatever is missing, and fail saying so, rather than skip quietly. */
export const inCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Lines fed to stdin (joined with \n, ending with one), or raw text. */
  input?: string[] | string;
  home?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

const homes: string[] = [];
/** Every home a test file made goes once that file's tests are done (tests/helpers/setup.ts). */
export function removeTempHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

/** A fresh PROMPTQUEST_HOME, removed after the calling file's tests. */
export function tempHome(prefix = 'pq-home-'): string {
  const home = mkdtempSync(join(tmpdir(), prefix));
  homes.push(home);
  return home;
}

/**
 * Environment with nothing inherited that could point the CLI at a real model, or change its
 * words: the locale is C.UTF-8 (English, UTF-8; present on every Linux), whatever the machine's
 * LANG, so a developer with a Chinese locale sees the same results. A test that wants another
 * passes it in `extra`.
 */
export function cleanEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // A known window: the fake server says nothing about its own, and the CLI would say so on stderr.
  const env: NodeJS.ProcessEnv = { ...process.env, PROMPTQUEST_HOME: home, NO_COLOR: '1', FORCE_COLOR: '0', PROMPTQUEST_CONTEXT: '32768', LANG: 'C.UTF-8' };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'PROMPTQUEST_MODEL', 'DEBUG', 'LC_ALL', 'LC_MESSAGES']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export async function runCli(args: string[], o: CliOptions = {}): Promise<CliResult> {
  await distReady();
  const home = o.home ?? tempHome();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd ?? ROOT,
      env: cleanEnv(home, o.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    const input = o.input === undefined ? '' : Array.isArray(o.input) ? o.input.map((l) => `${l}\n`).join('') : o.input;
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** The JSON Lines events of a --json run. */
export function jsonEvents(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}

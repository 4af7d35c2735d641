/**
 * The built CLI in a real pseudo-terminal: a tmux server of its own per test file (its own
 * socket, so parallel files never meet), one session per game, and a screen read back with
 * wrapped rows joined (capture-pane -J). Waits poll the screen with explicit deadlines.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BIN, ROOT, cleanEnv, inCi } from './cli.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
/** Skip the terminal tests without tmux, except in CI, where they run and fail saying why (.ci/run installs it). */
export const skipTmux = !hasTmux && !inCi;

/** How long a wait for the screen may take before the test fails showing it. */
const DEADLINE = 15_000;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PaneOptions {
  columns: number;
  rows?: number;
  /** Extra environment for the game (PROMPTQUEST_HOME and NO_COLOR are always set). */
  env?: Record<string, string>;
  /** Print the game's exit code when it ends (`[exit 1]`): tmux 3.3 does not always say it for a dead pane. */
  sayExit?: boolean;
}

export class TmuxServer {
  private readonly socket: string;
  /** The server's socket file, which kill-server leaves behind. */
  private socketPath: string | null = null;

  constructor(name: string, readonly home: string) {
    this.socket = `pq-${name}-${process.pid}-${Date.now().toString(36)}`;
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-f', '/dev/null', '-L', this.socket, ...args], { env: cleanEnv(this.home), encoding: 'utf8' });
    if (r.error) throw new Error(`tmux cannot run (${r.error.message}); the terminal tests need it (.ci/run installs it with apt-get)`);
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** `promptquest <args>` in a new session of its own. */
  pane(name: string, args: string[], o: PaneOptions): Pane {
    const env = Object.entries({ PROMPTQUEST_HOME: this.home, NO_COLOR: '1', ...o.env }).map(([k, v]) => `${k}=${quote(v)}`);
    const game = ['env', ...env, quote(process.execPath), quote(BIN), ...args.map(quote)].join(' ');
    const command = o.sayExit ? `${game}; echo "[exit $?]"` : game;
    this.tmux('new-session', '-d', '-s', name, '-x', String(o.columns), '-y', String(o.rows ?? 50), '-c', ROOT, command);
    this.socketPath ??= this.tmux('display-message', '-p', '-t', name, '#{socket_path}').trim() || null;
    this.tmux('set-option', '-t', name, 'remain-on-exit', 'on');
    return new Pane(this, name);
  }

  /** Every session gone, and the socket file with them. */
  kill(): void {
    if (hasTmux) spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

export class Pane {
  constructor(private readonly server: TmuxServer, readonly name: string) {}

  /** The screen and its history, each line as the program wrote it (rows the terminal wrapped are joined). */
  screen(): string {
    return this.server.tmux('capture-pane', '-p', '-J', '-t', this.name, '-S', '-500');
  }

  press(...keys: string[]): void {
    this.server.tmux('send-keys', '-t', this.name, ...keys);
  }

  type(text: string): void {
    this.server.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Poll the screen until it matches; fail with what was on screen. */
  waitFor(pattern: RegExp, what: string, timeoutMs = DEADLINE): Promise<string> {
    return this.waitUntil((text) => pattern.test(text), `${what} (${String(pattern)})`, timeoutMs);
  }

  async waitUntil(holds: (text: string) => boolean, what: string, timeoutMs = DEADLINE): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (holds(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen shows:\n${last}`);
  }
}

/**
 * main(argv, io) run in this process, as the command tests do: each run has its own streams,
 * environment and exit code, and leaves the process as it found it (exit code, signal and exit
 * listeners, colour), so one run cannot change what the next one sees.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../helpers/main.js';

const ESC = '\u001b[';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the CLI in-process', () => {
  it("a failing run's output and exit code are its own: nothing reaches the process's streams or exit code", async () => {
    const before = process.exitCode;
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    }
    const [bad, help] = [await runMain(['play', '--no-such-flag', '--json']), await runMain(['--help'])];
    vi.restoreAllMocks();
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("promptquest: unknown option '--no-such-flag'\n");
    expect(bad.stdout).toBe(`${JSON.stringify({ type: 'error', message: "unknown option '--no-such-flag'", exit_code: 2 })}\n`);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: promptquest/); // commander's help, on the run's stdout
    expect(written).toEqual([]);
    expect(process.exitCode).toBe(before);
  });

  it('a game gives back the SIGINT and exit listeners it took', async () => {
    const listeners = () => [process.listeners('SIGINT'), process.listeners('exit')].map((l) => [...l]);
    await runMain(['play', 'lighthouse'], { input: ['1'] }); // conf and the slot lock load on a first game
    const before = listeners();
    const r = await runMain(['play', 'lighthouse', '--slot', 'two'], { input: ['1', '1'] });
    expect(r.code, r.stderr).toBe(0);
    expect(listeners()).toEqual(before);
  });

  it('colour follows each run\'s own environment (FORCE_COLOR, NO_COLOR), not the last run\'s', async () => {
    const replay = (env: Record<string, string | undefined>) => runMain(['replay', 'lighthouse-sample', '--instant'], { env });
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    const coloured = await replay({ NO_COLOR: undefined, FORCE_COLOR: '1' });
    const plain = await replay({});
    const again = await replay({ NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain(ESC);
    expect(plain.stdout).not.toContain(ESC);
    expect(again.stdout).toBe(coloured.stdout);
    expect(plain.stdout).toBe(coloured.stdout.replace(/\u001b\[[0-9;]*m/g, ''));
    expect(chalk.level).toBe(level); // the process's own colour, as it was
  });
});

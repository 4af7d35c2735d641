/** --json: a failure is also an `error` event on stdout, so scripts need not parse stderr. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { jsonEvents } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';

/** A port that was free a moment ago: nothing listens there. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('--json error events', () => {
  it('a usage error: one error event with exit code 2, the same line on stderr', async () => {
    const r = await runMain(['play', 'no-such-pack', '--json']);
    expect(r.code).toBe(2);
    const events = jsonEvents(r.stdout);
    expect(events).toEqual([{ type: 'error', message: expect.stringContaining('unknown pack "no-such-pack"'), exit_code: 2 }]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a dead model server: the opening turn, then an error event with exit code 1', async () => {
    const port = await deadPort();
    const r = await runMain(['play', 'lighthouse', '--json', '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'm'], { input: ['1'] });
    expect(r.code).toBe(1);
    const events = jsonEvents(r.stdout);
    expect(events[0]).toMatchObject({ type: 'turn', turn: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', exit_code: 1, message: expect.stringContaining(`127.0.0.1:${port}`) });
    expect(r.stderr).not.toContain('    at ');
  });
});

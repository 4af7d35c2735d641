/**
 * The clipboard adapter runs the real tools as child processes. Here the "tools" are small shell
 * scripts on a PATH of our own (so the test never touches this machine's clipboard): the first
 * usable one that works gets the text; none, or no display, is a quiet false.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClipboard } from '../../src/adapters/clipboard.js';

const bin = mkdtempSync(join(tmpdir(), 'pq-clip-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function tool(name: string, script: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
}

describe.skipIf(process.platform === 'win32')('system clipboard', () => {
  it('uses xclip when there is a display, after a wl-copy that fails', async () => {
    tool('wl-copy', 'exit 1');
    tool('xclip', `[ "$1 $2" = "-selection clipboard" ] || exit 3\ncat > "${join(bin, 'copied')}"`);
    const copy = systemClipboard({ PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' }, 'linux');
    expect(await copy('a stone stamp seal, 印章')).toBe(true);
    expect(readFileSync(join(bin, 'copied'), 'utf8')).toBe('a stone stamp seal, 印章');
  });

  it('is a quiet false on a headless machine or with no tool at all', async () => {
    expect(await systemClipboard({ PATH: bin }, 'linux')('x')).toBe(false);
    expect(await systemClipboard({ PATH: join(bin, 'nowhere'), DISPLAY: ':0' }, 'linux')('x')).toBe(false);
    expect(await systemClipboard({ PATH: join(bin, 'nowhere') }, 'darwin')('x')).toBe(false);
  });
});

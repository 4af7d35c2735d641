/**
 * A save can come from anywhere (a friend, a hand edit). Whatever text it holds, no
 * command that reads it may put a control sequence on the terminal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';

const EVIL = '\u001b]0;pwned\u0007\u001b[2J\u001b]52;c;ZXZpbA==\u0007\u009b31m';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('a save with control sequences in its text', () => {
  it('replay, saves show/list and continue (/image, /alt, /state) print none of them', async () => {
    const home = tempHome();
    const played = await runMain(['play', 'lighthouse', '--slot', 'evil'], { home, input: ['2'] });
    expect(played.code).toBe(0);
    const file = join(home, 'saves', 'evil.jsonl');
    type Line = { pack: { version: string }; turn: { narration: string; choices: string[]; image_prompt: string }; state: { inventory: string[] } };
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    const last = lines.at(-1)!;
    last.turn.narration = `The boat${EVIL} creaks.`;
    last.turn.choices = [`Row${EVIL}`, 'Wait'];
    last.turn.image_prompt = `a boat${EVIL}`;
    last.state.inventory.push(`rope${EVIL}`);
    lines[0]!.pack.version = `1.0.0${EVIL}`;
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const runs = await Promise.all([
      runMain(['replay', 'evil', '--instant'], { home }),
      runMain(['replay', 'evil', '--json'], { home }),
      runMain(['saves', 'show', 'evil'], { home }),
      runMain(['saves', 'list'], { home }),
      // One writer per slot: the two games on "evil" run one after the other.
      runMain(['continue', 'evil'], { home, input: ['/image', '/alt', '/state', '/quit'] })
        .then(async (r) => [r, await runMain(['continue', 'evil', '--json'], { home, input: ['/image', '/state', '/quit'] })]),
    ]).then((rs) => rs.flat());
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(CONTROL);
      expect(r.stderr).not.toMatch(CONTROL);
    }
    // The text itself survives, minus the sequences.
    expect(runs[0]!.stdout).toContain('The boat creaks.');
    expect(runs[4]!.stdout).toContain('a boat');
    expect(runs[4]!.stdout).toMatch(/Inventory: .*rope/);
  });
});

/** `promptquest export` through the CLI (in process): files written, pictures copied or embedded, bad input refused. */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { illustratedSave } from '../helpers/illustrated-save.js';
import { makePng } from '../helpers/png.js';

describe('promptquest export', () => {
  it('Markdown with --images-dir copies the pictures and links them from the output folder', async () => {
    const home = tempHome();
    illustratedSave(home);
    const out = join(home, 'book', 'story.md');
    mkdirSync(join(home, 'book'));
    const r = await runMain(['export', 'pics', '--format', 'md', '-o', out, '--images-dir', join(home, 'book', 'pictures')], { home });
    expect(r.stderr).toContain(`Wrote ${out} (10 turns)`);
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('](<pictures/pics-t0.png>)');
    expect(md).toContain('](<pictures/pics-t2.png>)');
    expect(readFileSync(join(home, 'book', 'pictures', 'pics-t0.png'))).toEqual(makePng(640, 360));
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('**你:** 风');
  });

  it('HTML embeds the pictures; a missing one is one line and its prompt is framed instead', async () => {
    const home = tempHome();
    const { saves } = illustratedSave(home);
    rmSync(join(saves, 'pics-t2.png'));
    const r = await runMain(['export', 'pics'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/<img src="data:image\/png;base64,/g)).toHaveLength(1);
    expect(r.stdout).toContain('class="prompt-only"');
    expect(r.stderr.trim().split('\n')).toEqual([`1 picture of this game is missing from ${saves}; its prompt is shown instead`]);
  });

  it('refuses an unknown slot, an unknown format and a save as the output, writing nothing', async () => {
    const home = tempHome();
    const none = await runMain(['export', 'nope'], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^promptquest: no saved game "nope" in .*\(see: promptquest saves list\)\n$/);
    const format = await runMain(['export', 'ruins-sample', '--format', 'pdf'], { home });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("'pdf' is invalid");
    const save = await runMain(['export', 'ruins-sample', '-o', join(home, 'x.jsonl')], { home });
    expect(save.code).toBe(2);
    expect(existsSync(join(home, 'x.jsonl'))).toBe(false);
  });

  it('a picture that cannot be copied into --images-dir is one line (exit 2), and no storybook is written', async () => {
    const home = tempHome();
    illustratedSave(home);
    const dir = join(home, 'pictures');
    mkdirSync(join(dir, 'pics-t0.png'), { recursive: true }); // a folder where the picture should go
    const out = join(home, 'story.md');
    const r = await runMain(['export', 'pics', '--format', 'md', '-o', out, '--images-dir', dir], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`promptquest: --images-dir ${dir}: cannot copy the picture pics-t0.png there (EISDIR)\n`);
    expect(existsSync(out)).toBe(false);
  });
});

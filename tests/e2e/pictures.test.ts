/**
 * `play --images generate` through the CLI (in process), offline, with pictures from a local images
 * server at `images_base_url`: a PNG per turn beside the save, `image` events, a fork that
 * reuses them, and a storybook that shows them.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonEvents, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { startImagesServer, type ImagesServer } from '../helpers/images-server.js';

let images: ImagesServer | null = null;
afterEach(async () => {
  await images?.close();
  images = null;
});

describe('play --images generate', () => {
  it('with no images server to ask (offline, no key, no images_base_url) says so once and shows the prompts instead', async () => {
    const r = await runMain(['play', 'lighthouse', '--slot', 'noart', '--images', 'generate'], { input: ['1'] });
    expect(r.code, r.stderr).toBe(0);
    expect((r.stdout + r.stderr).match(/No images server to make pictures with/g)).toHaveLength(1);
    expect(r.stdout).toContain('🎨 ');
  });

  it('saves one PNG per turn; a fork, its replay and its export reuse them; a delete takes the pictures no other save names, and a new game never paints over them', async () => {
    images = await startImagesServer();
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ images_base_url: images.baseURL, images_model: 'local-painter' }));
    const play = await runMain(['play', 'ruins', '--slot', 'art', '--images', 'generate', '--json'], { home, input: ['1', '/transcript on', '1', '/image'] });
    expect(play.code).toBe(0);
    const events = jsonEvents(play.stdout);
    const turns = events.filter((e) => e.type === 'turn');
    const pictures = events.filter((e) => e.type === 'image');
    expect(turns).toHaveLength(3);
    expect(pictures.map((e) => e.turn).sort()).toEqual([1, 2, 3]);
    const saves = join(home, 'saves');
    for (const e of pictures) expect(existsSync(String(e.file))).toBe(true);
    expect(readdirSync(saves).filter((f) => f.endsWith('.png')).sort()).toEqual(['art.t0.png', 'art.t1.png', 'art.t2.png']);
    expect(images.requests.every((r) => r.model === 'local-painter')).toBe(true);
    // From a pipe the clipboard is never touched; the prompt is the scene's, shown again.
    expect(events.find((e) => e.type === 'image_prompt')).toMatchObject({ copied: false, prompt: turns[2]?.image_prompt });
    expect(readFileSync(join(saves, 'art.transcript.txt'), 'utf8')).toContain('[第 3 回合]\n\n> 1. ');
    expect(play.stderr).not.toContain('not available');

    const fork = await runMain(['continue', 'art', '--slot', 'art2', '--from-turn', '2', '--images', 'generate'], { home, input: [] });
    expect(fork.code).toBe(0);
    expect(images.requests).toHaveLength(3); // nothing painted twice
    const replay = await runMain(['replay', 'art2', '--instant'], { home });
    expect(replay.stdout).toContain(`🖼  ${join(saves, 'art.t0.png')}`);
    expect(replay.stdout).toContain(`🖼  ${join(saves, 'art.t1.png')}`);
    const html = await runMain(['export', 'art2'], { home });
    expect(html.code).toBe(0);
    expect(html.stdout.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    const pngs = () => readdirSync(saves).filter((f) => f.endsWith('.png')).sort();

    // Deleting the source takes the picture only it names; the fork's two stay with the fork.
    const del = await runMain(['saves', 'delete', 'art', '--yes'], { home });
    // ruins is a Chinese pack: its saves' lines are Chinese too (as its replay is).
    expect(del.stdout).toBe('删除了存档“art”和它的 1 张图片。\n');
    expect(pngs()).toEqual(['art.t0.png', 'art.t1.png']);
    // A new game in the freed slot paints beside them, never over the fork's pictures.
    const before = readFileSync(join(saves, 'art.t0.png'));
    const again = await runMain(['play', 'ruins', '--slot', 'art', '--images', 'generate', '--json'], { home, input: [] });
    expect(again.code).toBe(0);
    expect(pngs()).toEqual(['art.t0-2.png', 'art.t0.png', 'art.t1.png']);
    expect(readFileSync(join(saves, 'art.t0.png')).equals(before)).toBe(true);
    expect(readFileSync(join(saves, 'art.jsonl'), 'utf8')).toContain('"file":"art.t0-2.png"');
    expect((await runMain(['export', 'art2'], { home })).stdout.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    // The fork goes, and with it the source's pictures nobody names any more; the new game's stays.
    expect((await runMain(['saves', 'delete', 'art2', '--yes'], { home })).stdout).toBe('删除了存档“art2”和它的 2 张图片。\n');
    expect(pngs()).toEqual(['art.t0-2.png']);
  });
});

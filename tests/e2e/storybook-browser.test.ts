/**
 * The HTML storybook in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * One launch, one page, two widths (a phone's 390 px and a desktop's 1280 px): the pictures load,
 * the narration is there, nothing scrolls sideways on the phone, and the page asks the network
 * for nothing — not even for an <img> a hostile model wrote into its narration.
 *
 * Skipped on a machine without Chromium, except in CI (CI=true), where it fails instead:
 * .ci/run installs chromium when it is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { inCi, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { pngSize } from '../helpers/png.js';
import { illustratedSave } from '../helpers/illustrated-save.js';

const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshots stay after the run, for a person to look at. */
const SHOTS = join(tmpdir(), 'promptquest-storybook-shots');

interface Seen {
  images: { complete: boolean; naturalWidth: number }[];
  scrollWidth: number;
  clientWidth: number;
  text: string;
  title: string;
}

const look = (page: Page): Promise<Seen> =>
  page.evaluate(() => ({
    images: [...document.images].map((i) => ({ complete: i.complete, naturalWidth: i.naturalWidth })),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    text: document.body.innerText,
    title: document.title,
  }));

const userDirs: string[] = [];
afterAll(() => {
  for (const d of userDirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM) && !inCi)('the HTML storybook in headless Chromium', { timeout: 60_000 }, () => {
  it('shows every picture and the narration at 390 px and 1280 px, never scrolls sideways, fetches nothing', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian: apt-get install -y chromium; .ci/run does it)`).toBe(true);
    const home = tempHome();
    illustratedSave(home);
    const file = join(home, 'book.html');
    const run = await runMain(['export', 'pics', '--format', 'html', '-o', file], { home });
    expect(run.stderr).toContain('Wrote');
    expect(run.code).toBe(0);

    const userDataDir = mkdtempSync(join(tmpdir(), 'pq-chromium-'));
    userDirs.push(userDataDir);
    mkdirSync(SHOTS, { recursive: true });
    // A new empty profile, and none of the background traffic a browser makes on its own.
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 390, height: 844 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== pathToFileURL(file).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      const phone = await look(page);
      await page.screenshot({ path: join(SHOTS, 'storybook-390.png') });
      await page.setViewportSize({ width: 1280, height: 800 });
      const desktop = await look(page);
      await page.screenshot({ path: join(SHOTS, 'storybook-1280.png') });

      for (const seen of [phone, desktop]) {
        expect(seen.images).toHaveLength(2);
        for (const img of seen.images) expect(img).toMatchObject({ complete: true, naturalWidth: expect.any(Number) as number });
        expect(seen.images.every((i) => i.naturalWidth > 0)).toBe(true);
        expect(seen.text).toContain('山雾像潮水一样漫过林间小路');
        // The model's markup is text on the page, not an element and not a script that ran.
        expect(seen.text).toContain('<script>');
        expect(seen.title).toBe('雾谷遗迹');
        // Riddle answers as the player typed them.
        expect(seen.text).toMatch(/›\s*风/);
      }
      expect(phone.scrollWidth).toBeLessThanOrEqual(phone.clientWidth);
      expect(phone.clientWidth).toBe(390);
      expect(desktop.clientWidth).toBe(1280);
      expect(requests).toEqual([]);
      const shot = pngSize(readFileSync(join(SHOTS, 'storybook-390.png')));
      expect(shot).toEqual({ width: 390, height: 844 });
      expect(pngSize(readFileSync(join(SHOTS, 'storybook-1280.png')))).toEqual({ width: 1280, height: 800 });
    } finally {
      await context.close();
    }
  });
});

/**
 * --images generate in process: the real Game, offline narrator, file store and picture files,
 * and the real images client (the openai SDK over HTTP) against a local images server that
 * answers with real PNGs. The story never waits for a picture; every picture is saved beside
 * the journal, recorded once, and reused by a resumed game and the storybook.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Game } from '../../src/engine/game.js';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { OfflineNarrator } from '../../src/adapters/offline-narrator.js';
import { PictureFiles, removeUnusedPictures, TranscriptFile } from '../../src/adapters/picture-files.js';
import { OpenAIImageMaker } from '../../src/adapters/image-maker.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { emptyTimeline, fold, FORMAT_VERSION, mainLine, type Header, type Timeline } from '../../src/core/journal.js';
import { initialState } from '../../src/core/state.js';
import { buildStorybook } from '../../src/core/storybook.js';
import { storybookHtml } from '../../src/core/storybook-html.js';
import { RecordingUi } from '../helpers/model-game.js';
import { tempHome } from '../helpers/cli.js';
import { startImagesServer, type ImagesServer } from '../helpers/images-server.js';
import { pngSize } from '../helpers/png.js';

const lighthouse = loadPack('lighthouse', '/nonexistent-home');
const dirs: string[] = [];
let images: ImagesServer | null = null;
afterEach(async () => {
  await images?.close();
  images = null;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function newSave(dir: string, slot: string): Promise<FileSaveStore> {
  const store = new FileSaveStore(dir);
  const header: Header = {
    type: 'header', format: FORMAT_VERSION, slot, pack: { id: 'lighthouse', version: lighthouse.manifest.version, hash: lighthouse.hash, dir: null },
    provider: 'offline', model: null, base_url: null, vars: { name: 'Wren' }, created: new Date().toISOString(), forked_from: null,
  };
  await store.create(header);
  return store;
}

function game(store: FileSaveStore, dir: string, slot: string, inputs: string[], server: ImagesServer, timeline: Timeline = emptyTimeline()) {
  const ui = new RecordingUi(inputs);
  const maker = new OpenAIImageMaker({ model: 'test-image-model', baseURL: server.baseURL, apiKey: 'sk-images-test', timeoutMs: 10_000 });
  const g = new Game({
    pack: lighthouse, narrator: new OfflineNarrator(), ui, store, slot, timeline,
    initialState: initialState(lighthouse.manifest, { name: 'Wren' }, lighthouse.script!.start),
    images: { maker, pictures: new PictureFiles(dir) }, transcript: new TranscriptFile(dir, slot),
  });
  return { g, ui };
}

describe('--images generate', () => {
  it('plays every turn before any picture arrives, then saves one PNG per turn, recorded in the journal', async () => {
    images = await startImagesServer({ hold: true });
    const dir = mkdtempSync(join(tmpdir(), 'pq-pictures-'));
    dirs.push(dir);
    const store = await newSave(dir, 'pics');
    const { g, ui } = game(store, dir, 'pics', ['2', '1', '1'], images);
    // The whole game runs while the images server answers nothing at all.
    expect(await g.run()).toBe('eof');
    expect(ui.shown).toHaveLength(4);
    expect(g.o.timeline.images.size).toBe(0);
    images.release();
    await g.painter!.drain();
    expect(images.requests).toHaveLength(4);

    const saved = await store.load('pics');
    const line = mainLine(fold(saved.events));
    const events = saved.events.filter((e) => e.type === 'image');
    expect(events.map((e) => e.turn).sort()).toEqual(line.map((e) => e.id));
    for (const e of events) {
      expect(pngSize(readFileSync(join(dir, e.file)))).toEqual({ width: 64, height: 36 });
      expect(e.file).toBe(`pics.t${e.turn}.png`);
      expect(e.model).toBe('test-image-model');
    }
    // The images API gets the prompt without Midjourney's parameters, and the key it was given.
    expect(images.requests[0]).toMatchObject({ model: 'test-image-model', response_format: 'b64_json', authorization: 'Bearer sk-images-test' });
    expect(images.requests.every((r) => !r.prompt.includes('--ar'))).toBe(true);
    expect(images.requests[0]?.prompt).toBe(line[0]?.turn.image_prompt?.replace(/ --ar 16:9 --v 6$/, ''));
    expect(ui.notices.filter((n) => n.startsWith('🖼  Picture for turn '))).toHaveLength(4);
    expect(ui.events.filter((e) => e.type === 'image')).toHaveLength(4);

    // Resumed: the turns that have pictures get none again; only the new turn is painted.
    const again = game(store, dir, 'pics', ['2'], images, fold(saved.events));
    await again.g.run();
    await again.g.painter!.drain();
    // The head shown again had its picture already: only the new turn (the desk) is painted.
    expect(again.ui.shown.map((v) => Boolean(v.turn.image_prompt))).toEqual([true, true]);
    expect(images.requests).toHaveLength(5);
    expect(images.requests[4]?.prompt).toMatch(/^Close-up of a grey sharkskin-bound logbook/);
    // And the storybook shows the saved pictures.
    const book = buildStorybook(saved.header, fold((await store.load('pics')).events));
    expect(storybookHtml(book, (f) => (existsSync(join(dir, f)) ? `data:${f}` : null)).match(/<img /g)).toHaveLength(5);
  });

  it('a picture ready while the player is typing is shown once the line is in, never under the prompt', async () => {
    images = await startImagesServer();
    const dir = mkdtempSync(join(tmpdir(), 'pq-pictures-'));
    dirs.push(dir);
    const store = await newSave(dir, 'typing');
    const { g, ui } = game(store, dir, 'typing', [], images);
    let typed: (line: string | null) => void = () => undefined;
    const noticesWhileAsking: string[][] = [];
    ui.ask = () => new Promise((resolve) => {
      typed = resolve;
      noticesWhileAsking.push([...ui.notices]);
    });
    const run = g.run();
    // The opening's picture arrives (recorded in the journal) while the game waits for input.
    await expect.poll(() => g.o.timeline.images.size, { timeout: 10_000 }).toBe(1);
    expect(ui.notices.some((n) => n.startsWith('🖼'))).toBe(false);
    typed(null);
    await run;
    expect(noticesWhileAsking[0]?.some((n) => n.startsWith('🖼'))).toBe(false);
    expect(ui.notices.filter((n) => n.startsWith('🖼  Picture for turn 1: '))).toHaveLength(1);
  });

  it('a picture that fails is one line, and the game goes on with the others', async () => {
    images = await startImagesServer({ failWhen: /cliff path/i });
    const dir = mkdtempSync(join(tmpdir(), 'pq-pictures-'));
    dirs.push(dir);
    const store = await newSave(dir, 'fails');
    const { g, ui } = game(store, dir, 'fails', ['2', '1'], images);
    expect(await g.run()).toBe('eof');
    await g.painter!.drain();
    const failed = ui.notices.filter((n) => n.includes('could not be made'));
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) expect(line).toMatch(/^The picture for turn \d could not be made \(.*HTTP 400.*\); the game goes on\.$/);
    const recorded = (await store.load('fails')).events.filter((e) => e.type === 'image');
    expect(recorded.length).toBe(3 - failed.length);
    expect(ui.shown).toHaveLength(3);
  });

  it('/transcript on writes each turn as it is shown, with what the player typed; /image shows the prompt again', async () => {
    images = await startImagesServer();
    const dir = mkdtempSync(join(tmpdir(), 'pq-pictures-'));
    dirs.push(dir);
    const store = await newSave(dir, 'script');
    const { g, ui } = game(store, dir, 'script', ['/transcript on', '2', '/image', '/transcript off', '1'], images);
    await g.run();
    await g.painter!.drain();
    const text = readFileSync(join(dir, 'script.transcript.txt'), 'utf8');
    expect(ui.notices).toContain(`Transcript on: ${join(dir, 'script.transcript.txt')}`);
    expect(text).toContain('[Turn 1]');
    expect(text).toContain('[Turn 2]\n\n> 2. Search the wreck of your boat');
    expect(text).not.toContain('[Turn 3]');
    expect(ui.infos.some((i) => i === mainLine(g.o.timeline)[1]?.turn.image_prompt)).toBe(true);
  });
});

describe('the images client and credentials', () => {
  it('sends user:password in the images URL as Basic auth (not the key), and masks secrets the server echoes', async () => {
    images = await startImagesServer({ failWhen: /echo/ });
    const url = new URL(images.baseURL);
    url.username = 'ada';
    url.password = 's3cret-pass';
    const maker = new OpenAIImageMaker({ model: 'test-image-model', baseURL: url.toString(), apiKey: 'sk-images-key-123456', timeoutMs: 10_000 });
    const png = await maker.generate('a lighthouse at night');
    expect(pngSize(Buffer.from(png))).toEqual({ width: 64, height: 36 });
    expect(images.requests[0]!.authorization).toBe(`Basic ${Buffer.from('ada:s3cret-pass').toString('base64')}`);

    const keyed = new OpenAIImageMaker({ model: 'test-image-model', baseURL: images.baseURL, apiKey: 'sk-images-key-123456', timeoutMs: 10_000 });
    const failure = await keyed.generate('echo the key').then(() => null, (err: Error) => err);
    expect(failure?.message).toMatch(/images server|model server|HTTP 400/);
    expect(images.requests[1]!.authorization).toBe('Bearer sk-images-key-123456');
  });

  it('keeps a query in the images URL (Azure\'s ?api-version=) as a query, as the chat client does', async () => {
    images = await startImagesServer();
    const maker = new OpenAIImageMaker({ model: 'test-image-model', baseURL: `${images.baseURL}?api-version=2024-10-21`, apiKey: 'sk-images-key-123456', timeoutMs: 10_000 });
    expect((await maker.generate('a lighthouse at night')).length).toBeGreaterThan(0);
    expect(images.requests.map((r) => r.url)).toEqual(['/v1/images/generations?api-version=2024-10-21']);
  });
});

describe('pictures on disk', () => {
  const folder = () => tempHome('pq-pics-');
  const names = (d: string) => readdirSync(d).sort();
  const pngs = (d: string) => names(d).filter((n) => n.endsWith('.png'));
  const journal = (...files: string[]) => files.map((file, turn) => JSON.stringify({ type: 'image', turn, file })).join('\n');

  it('a picture never replaces another: the next free variant is taken, whole', async () => {
    const d = folder();
    const store = new PictureFiles(d);
    expect(await store.save('a.t1.png', new Uint8Array([1]))).toEqual({ file: 'a.t1.png', path: join(d, 'a.t1.png') });
    expect((await store.save('a.t1.png', new Uint8Array([2]))).file).toBe('a.t1-2.png');
    expect([...readFileSync(join(d, 'a.t1.png'))]).toEqual([1]);
    expect(names(d)).toEqual(['a.t1-2.png', 'a.t1.png']); // no temporary file or empty claim left
  });

  it('a deleted save takes the pictures nobody else names (and one a crash left half made); a journal read through a symlink names its own, and a FIFO or another game in progress keeps them all', async () => {
    const d = folder();
    for (const n of ['a.t0.png', 'a.t1.png', 'a.t2.png', 'src.t5.png', 'a.t3.png.4242.tmp', 'ab.t1.png']) writeFileSync(join(d, n), 'png');
    // The fork b names a.t1 (through a symlink to its journal, as saves list reads it).
    writeFileSync(join(d, 'b-real.txt'), journal('a.t1.png'));
    symlinkSync(join(d, 'b-real.txt'), join(d, 'b.jsonl'));
    const deleted = journal('a.t0.png', 'a.t1.png', 'src.t5.png'); // a was itself forked from src
    // Another game running: nothing goes (a fork being made may be about to name them).
    writeFileSync(join(d, 'c.jsonl.lock'), '{}');
    expect(await removeUnusedPictures(d, 'a', deleted)).toEqual([]);
    rmSync(join(d, 'c.jsonl.lock'));
    // A FIFO posing as a journal is never opened (this would hang) and keeps everything.
    execFileSync('mkfifo', [join(d, 'odd.jsonl')]);
    expect(await removeUnusedPictures(d, 'a', deleted)).toEqual([]);
    rmSync(join(d, 'odd.jsonl'));
    // A crash's half-made picture of this slot goes too; another slot's (ab) stays.
    expect((await removeUnusedPictures(d, 'a', deleted)).sort()).toEqual(['a.t0.png', 'a.t2.png', 'a.t3.png.4242.tmp', 'src.t5.png']);
    expect(pngs(d)).toEqual(['a.t1.png', 'ab.t1.png']);
  });
});

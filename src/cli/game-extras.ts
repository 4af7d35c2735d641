/**
 * What a game gets besides its narrator: the images server for `--images generate`, the
 * transcript file for /transcript, and the clipboard for /image (on a terminal only: a game
 * played from a pipe or with --json never touches the user's clipboard).
 */
import { OPENAI_BASE_URL, shownURL, type ImagesMode, type Settings } from '../core/settings.js';
import type { GameOptions } from '../engine/game.js';
import type { Ui } from '../engine/ports.js';
import type { Messages } from '../core/messages/index.js';
import { savesDir } from '../adapters/paths.js';
import { PictureFiles, TranscriptFile } from '../adapters/picture-files.js';
import { interactive, type Environment, type SessionFlags } from './session.js';

type Extras = Pick<GameOptions, 'images' | 'transcript' | 'clipboard' | 'pictureDir'>;

/** The images server: `images_base_url`, else the chat server, else OpenAI with a key; null when there is none. */
function imagesServer(env: Environment, settings: Settings): { baseURL: string | null; apiKey: string | null } | null {
  // A URL the user put in their own config is theirs: the key may go there.
  if (env.config.images_base_url) return { baseURL: env.config.images_base_url, apiKey: settings.apiKey };
  if (settings.provider === 'openai') return { baseURL: settings.baseURL, apiKey: settings.apiKey };
  return settings.apiKey ? { baseURL: null, apiKey: settings.apiKey } : null;
}

export async function gameExtras(env: Environment, settings: Settings, flags: SessionFlags, images: ImagesMode, slot: string, ui: Ui, m: Messages): Promise<Extras> {
  const dir = savesDir(env.home);
  const extras: Extras = { transcript: new TranscriptFile(dir, slot), pictureDir: dir };
  if (interactive(flags)) extras.clipboard = (await import('../adapters/clipboard.js')).systemClipboard();
  if (images !== 'generate') return extras;
  const server = imagesServer(env, settings);
  if (!server) {
    ui.notice(m.session.noImagesServer);
    return extras;
  }
  const { OpenAIImageMaker, DEFAULT_IMAGES_MODEL } = await import('../adapters/image-maker.js');
  const model = env.config.images_model ?? DEFAULT_IMAGES_MODEL;
  const maker = new OpenAIImageMaker({ model, baseURL: server.baseURL, apiKey: server.apiKey, timeoutMs: settings.timeoutMs, failures: m.failures });
  ui.notice(m.session.picturesBy(model, shownURL(server.baseURL ?? OPENAI_BASE_URL), dir));
  return { ...extras, images: { maker, pictures: new PictureFiles(dir) } };
}

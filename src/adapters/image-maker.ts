/**
 * Pictures from an OpenAI-compatible images API (`images.generate`), at the chat server's base
 * URL or a separate one (config `images_base_url`), with the model from config `images_model`
 * (model names change: only the default is written here). The PNG comes back as base64 in the
 * response; a server that answers with only a URL is a failure, never a download from elsewhere.
 */
import OpenAI from 'openai';
import { RuntimeFailure } from '../core/errors.js';
import { OPENAI_BASE_URL, shownURL } from '../core/settings.js';
import type { ImageMaker } from '../engine/ports.js';
import { describeApiError } from './openai-errors.js';
import { openAIClient } from './openai-client.js';
import { secretMasker } from '../core/secrets.js';
import { guardReplies } from './reply-guard.js';
import type { Messages } from '../core/messages/en.js';

export const DEFAULT_IMAGES_MODEL = 'gpt-image-1';

export interface ImageMakerOptions {
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  timeoutMs: number;
  /** Why a picture could not be made, in the interface language (default English). */
  failures?: Messages['failures'];
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
/** A picture's reply (base64 in JSON) larger than this is a server gone wrong, not a picture. */
const MAX_IMAGE_REPLY_BYTES = 64_000_000;

export class OpenAIImageMaker implements ImageMaker {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly shownBase: string;
  /** Hides the key, the password and the Basic token in what the server's errors say. */
  private readonly mask: (text: string) => string;
  private readonly failures: Messages['failures'] | undefined;

  constructor(o: ImageMakerOptions) {
    this.model = o.model;
    this.failures = o.failures;
    this.shownBase = o.baseURL ?? OPENAI_BASE_URL;
    // The same client as the chat server's (openai-client.ts): Basic auth from the URL, its query apart.
    const { client, address } = openAIClient({
      baseURL: o.baseURL ?? null, apiKey: o.apiKey, timeoutMs: o.timeoutMs, maxRetries: 2, fetch: guardReplies(fetch, MAX_IMAGE_REPLY_BYTES),
    });
    this.client = client;
    this.mask = secretMasker([o.apiKey, ...address.secrets]);
  }

  async generate(prompt: string, signal?: AbortSignal): Promise<Uint8Array> {
    let b64: string | undefined;
    try {
      // GPT image models always answer in base64 and refuse the parameter; the others are asked for it.
      const format = this.model.startsWith('gpt-image') ? {} : { response_format: 'b64_json' as const };
      const res = await this.client.images.generate({ model: this.model, prompt, n: 1, ...format }, { signal });
      b64 = res.data?.[0]?.b64_json;
    } catch (err) {
      if (signal?.aborted) throw err;
      const failure = describeApiError(err, { baseURL: this.shownBase, model: this.model, ...(this.failures ? { words: this.failures } : {}) });
      failure.message = this.mask(failure.message);
      throw failure;
    }
    const png = b64 ? Buffer.from(b64, 'base64') : null;
    if (!png?.length) throw new RuntimeFailure(`the images server at ${shownURL(this.shownBase)} sent no image data`, 'check images_base_url and images_model');
    if (!PNG_SIGNATURE.every((b, i) => png[i] === b)) throw new RuntimeFailure(`the images server at ${shownURL(this.shownBase)} sent something that is not a PNG`, 'check images_model');
    return png;
  }
}

/**
 * Which model to talk to, decided in one place. Precedence: flags > environment >
 * config file > defaults. Pure: the CLI hands in what it read.
 */
import { z } from 'zod';
import { UsageError } from './errors.js';

export const Provider = z.enum(['offline', 'openai']);
/** http(s) only: "localhost:11434" parses as a URL with the scheme "localhost:". */
const HttpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:11434/v1' });
export const ImagesMode = z.enum(['off', 'prompt', 'generate']);

/** Keys a user may set with `promptquest config set`. */
export const ConfigValues = z
  .object({
    provider: Provider,
    model: z.string().min(1),
    base_url: HttpUrl,
    api_key: z.string().min(1),
    pack: z.string().min(1),
    images: ImagesMode,
    timeout: z.coerce.number().int().positive().describe('seconds to wait for a model reply'),
  })
  .partial();
export type ConfigValues = z.infer<typeof ConfigValues>;
export const CONFIG_KEYS = Object.keys(ConfigValues.shape) as (keyof ConfigValues)[];

export interface Settings {
  provider: 'offline' | 'openai';
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  timeoutMs: number;
  /** True when nothing said which provider to use and we fell back to offline. */
  defaultedOffline: boolean;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';

export interface SettingsInput {
  flags: { provider?: string | undefined; model?: string | undefined; baseUrl?: string | undefined };
  env: NodeJS.ProcessEnv;
  config: ConfigValues;
  /** What a save recorded, for `continue` (below flags and environment). */
  saved?: { provider: 'offline' | 'openai'; model: string | null; base_url: string | null } | undefined;
}

export function resolveSettings({ flags, env, config, saved }: SettingsInput): Settings {
  const providerFlag = flags.provider === undefined ? undefined : Provider.safeParse(flags.provider);
  if (providerFlag && !providerFlag.success) {
    throw new UsageError(`unknown provider "${flags.provider}": use offline or openai`);
  }
  if (flags.baseUrl !== undefined && !HttpUrl.safeParse(flags.baseUrl).success) {
    throw new UsageError(`--base-url "${flags.baseUrl}" is not a URL (example: http://localhost:11434/v1)`);
  }
  const apiKey = env.OPENAI_API_KEY?.trim() || config.api_key || null;
  const baseURL = flags.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || saved?.base_url || config.base_url || null);
  const model = flags.model ?? (env.PROMPTQUEST_MODEL?.trim() || saved?.model || config.model || DEFAULT_MODEL);
  const chosen = providerFlag?.data ?? (flags.baseUrl ? 'openai' : undefined) ?? saved?.provider ?? config.provider;
  const provider = chosen ?? (apiKey || baseURL ? 'openai' : 'offline');
  return {
    provider,
    model,
    baseURL,
    apiKey,
    timeoutMs: (config.timeout ?? 120) * 1000,
    defaultedOffline: chosen === undefined && provider === 'offline',
  };
}

/**
 * A base URL as it may be written to a save or shown: without user:password or a
 * query string, where people sometimes put keys.
 */
export function recordableBaseURL(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return null;
  }
}

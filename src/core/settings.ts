/**
 * Which model to talk to, decided in one place. Precedence: flags > environment >
 * (for `continue`) the save > config file > defaults. Pure: the CLI hands in what it read.
 */
import { z } from 'zod';
import { UsageError } from './errors.js';
import { CONFIG_KEYS, DEFAULT_DEADLINE_S, DEFAULT_MAX_REPLY_MB, MAX_CONTEXT, MIN_CONTEXT, type ConfigKey } from './config-keys.js';

export const Provider = z.enum(['offline', 'openai']);
/** http(s) only: "localhost:11434" parses as a URL with the scheme "localhost:". */
const HttpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:11434/v1' });
export const ImagesMode = z.enum(['off', 'prompt', 'generate']);
export type ImagesMode = z.infer<typeof ImagesMode>;

/** A JSON text from `config set`, or the parsed value from the file. */
const jsonText = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/** US dollars per million tokens, per model: `/usage` and `saves show` turn tokens into cost. */
export const Prices = z.preprocess(
  jsonText,
  z.record(z.string().min(1), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative(), cached: z.number().nonnegative().optional() }).strict(), {
    error: 'expected JSON like {"gpt-4o-mini":{"input":0.15,"output":0.6,"cached":0.075}} (dollars per million tokens)',
  }),
);
export type Prices = z.infer<typeof Prices>;

/** Keys a user may set with `promptquest config set`. */
export const ConfigValues = z
  .object({
    provider: Provider,
    model: z.string().min(1),
    base_url: HttpUrl,
    api_key: z.string().min(1),
    pack: z.string().min(1),
    images: ImagesMode,
    /** Where `--images generate` asks for pictures, when not the chat server. */
    images_base_url: HttpUrl,
    images_model: z.string().min(1),
    timeout: z.coerce.number().int().positive().describe('seconds to wait for a model reply'),
    deadline: z.coerce
      .number({ error: 'expected a whole number of seconds, e.g. 600' })
      .int('expected a whole number of seconds, e.g. 600')
      .positive('expected a positive number of seconds')
      .max(86_400, 'expected at most 86400 seconds (a day)')
      .describe('seconds one model request may take in all'),
    max_reply: z.coerce
      .number({ error: 'expected a number of megabytes, e.g. 1 or 0.5' })
      .positive('expected a positive number of megabytes')
      .max(1000, 'expected at most 1000 MB')
      .describe('MB of reply text one model request may bring'),
    context: z.coerce
      .number({ error: 'expected a whole number of tokens, e.g. 8192' })
      .int('expected a whole number of tokens, e.g. 8192')
      .min(MIN_CONTEXT, `expected at least ${MIN_CONTEXT} tokens`)
      .max(MAX_CONTEXT, `expected at most ${MAX_CONTEXT} tokens`)
      .describe("tokens in the model's context window, when the server cannot say"),
    prices: Prices,
    language: z.enum(['en', 'zh'], { error: 'expected en or zh (the interface language; unset: the pack\'s)' }),
    status: z.enum(['on', 'off'], { error: 'expected on or off' }).describe('the status line on a terminal'),
    speed: z.coerce
      .number({ error: 'expected a number, e.g. 2 for twice as fast' })
      .positive('expected a number above 0, e.g. 2 for twice as fast')
      .max(1000, 'expected at most 1000')
      .describe('replay typing speed: 1 is gentle, 2 twice as fast'),
  })
  .partial();
export type ConfigValues = z.infer<typeof ConfigValues>;
export { CONFIG_KEYS };
/** CONFIG_KEYS (plain data, for --help) and the schema name the same keys: a compile error otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ConfigKeysMatch = Assert<Same<ConfigKey, keyof ConfigValues>>;

export interface Settings {
  provider: 'offline' | 'openai';
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  timeoutMs: number;
  /** The longest one request may take in all (config `deadline`). */
  deadlineMs: number;
  /** MB of reply text one request may bring (config `max_reply`). */
  maxReplyMB: number;
  /** The model's context window in tokens when the user said (--context, config), else null: ask the server. */
  contextTokens: number | null;
  /** True when nothing said which provider to use and we fell back to offline. */
  defaultedOffline: boolean;
  /**
   * The base URL (as shown) that only a save named, when the user's API key was kept from it:
   * a shared or edited save must not be able to collect the key. Null when nothing was withheld.
   */
  keyWithheldFrom: string | null;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
/** Where the SDK sends requests when no base URL is set. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The environment variables read here; the CLI passes process.env. */
export type Env = Record<string, string | undefined>;

export interface SettingsInput {
  flags: { provider?: string | undefined; model?: string | undefined; baseUrl?: string | undefined; context?: number | undefined };
  env: Env;
  config: ConfigValues;
  /** What a save recorded, for `continue` (below flags and environment). */
  saved?: { provider: 'offline' | 'openai'; model: string | null; base_url: string | null } | undefined;
}

export function resolveSettings({ flags, env, config, saved }: SettingsInput): Settings {
  const providerFlag = flags.provider === undefined ? undefined : Provider.safeParse(flags.provider);
  if (providerFlag && !providerFlag.success) {
    throw new UsageError(`unknown provider "${flags.provider}": use offline or openai`);
  }
  const envBaseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  checkHttpUrl(flags.baseUrl, '--base-url');
  if (flags.baseUrl === undefined) checkHttpUrl(envBaseURL, 'OPENAI_BASE_URL');
  const userKey = env.OPENAI_API_KEY?.trim() || config.api_key || null;
  const base = chooseBaseURL(flags.baseUrl ?? envBaseURL, saved?.base_url ?? null, config.base_url ?? null);
  const model = flags.model ?? (env.PROMPTQUEST_MODEL?.trim() || saved?.model || config.model || DEFAULT_MODEL);
  const context = flags.context ?? contextFromEnv(env.PROMPTQUEST_CONTEXT) ?? config.context ?? null;
  // A base URL from a flag or the environment is a choice of server, so it outranks a provider
  // from the save or the config file; only --provider outranks it.
  const chosen = providerFlag?.data ?? (flags.baseUrl !== undefined || envBaseURL ? 'openai' : undefined) ?? saved?.provider ?? config.provider;
  const provider = chosen ?? (userKey || base.url ? 'openai' : 'offline');
  const withheld = provider === 'openai' && base.fromSaveOnly && userKey !== null;
  return {
    provider,
    model,
    baseURL: base.url,
    apiKey: base.fromSaveOnly ? null : userKey,
    timeoutMs: (config.timeout ?? 120) * 1000,
    deadlineMs: (config.deadline ?? DEFAULT_DEADLINE_S) * 1000,
    maxReplyMB: config.max_reply ?? DEFAULT_MAX_REPLY_MB,
    contextTokens: context,
    defaultedOffline: chosen === undefined && provider === 'offline',
    keyWithheldFrom: withheld ? shownURL(base.url ?? '') : null,
  };
}

/** PROMPTQUEST_CONTEXT, checked like the config key: a bad value is one clear line, not a silent default. */
function contextFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = ConfigValues.shape.context.safeParse(value.trim());
  if (!parsed.success) throw new UsageError(`PROMPTQUEST_CONTEXT "${value}" is not a context window: ${parsed.error.issues[0]?.message ?? 'expected a whole number of tokens'}`);
  return parsed.data;
}

function checkHttpUrl(value: string | undefined, source: '--base-url' | 'OPENAI_BASE_URL'): void {
  if (value === undefined || HttpUrl.safeParse(value).success) return;
  throw new UsageError(`${source} "${shownURL(value)}" is not an http(s) URL (example: http://localhost:11434/v1)`);
}

/**
 * The user's own base URL (flag or environment), else the save's, else the config file's.
 * The API key goes only where the user pointed it: a save's URL is trusted only when it is
 * the configured one (then the configured spelling, credentials and all, is used) or OpenAI's.
 */
function chooseBaseURL(user: string | undefined, saved: string | null, configured: string | null): { url: string | null; fromSaveOnly: boolean } {
  if (user !== undefined) return { url: user, fromSaveOnly: false };
  if (!saved) return { url: configured, fromSaveOnly: false };
  if (configured && recordableBaseURL(configured) === recordableBaseURL(saved)) return { url: configured, fromSaveOnly: false };
  // OpenAI's own address is where the key goes by default anyway.
  if (recordableBaseURL(saved) === OPENAI_BASE_URL) return { url: OPENAI_BASE_URL, fromSaveOnly: false };
  if (!HttpUrl.safeParse(saved).success) {
    throw new UsageError(`the save names the base URL "${shownURL(saved)}", which is not an http(s) URL; pass --base-url to choose a server`);
  }
  return { url: saved, fromSaveOnly: true };
}

/** Query parameters that carry credentials (api-key, access_token, sig, auth, Azure Functions' code ...). */
const SECRET_PARAM = /key|token|secret|sig|auth|password|credential|^code$/i;

/**
 * A base URL as it may be written to a save or shown: without user:password, a fragment,
 * or query parameters whose names look secret. Other parameters stay (Azure needs
 * ?api-version=). Null for null or a string that is not a URL.
 */
export function recordableBaseURL(url: string | null): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  for (const name of [...u.searchParams.keys()]) if (SECRET_PARAM.test(name)) u.searchParams.delete(name);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
}

/**
 * Text from or about a server (an error message may echo the request URL) with every URL
 * made recordable and the values of secret-looking query parameters hidden.
 */
export function redactURLs(text: string): string {
  return text
    .replace(/https?:\/\/[^\s"'<>]+/gi, (url) => shownURL(url))
    .replace(/([?&])([^=&\s"'<>#]+)=[^&\s"'<>#]*/g, (all, sep: string, name: string) => (SECRET_PARAM.test(name) ? `${sep}${name}=…` : all));
}

/** Any URL-ish value for a message: the recordable form, or at least without user:password. */
export function shownURL(value: string): string {
  return (/^https?:/i.test(value) ? recordableBaseURL(value) : null) ?? value.replace(/\/\/[^/?#\s]*@/, '//');
}

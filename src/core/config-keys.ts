/**
 * The keys a user may set with `promptquest config set`, as plain data: `config --help` names
 * them without loading zod. settings.ts checks at compile time that they are ConfigValues' keys.
 */
const KEYS = ['provider', 'model', 'base_url', 'api_key', 'pack', 'images', 'timeout', 'context', 'prices', 'status', 'speed'] as const;
export type ConfigKey = (typeof KEYS)[number];
export const CONFIG_KEYS: ConfigKey[] = [...KEYS];

/** The context window's bounds, for `--context` (parsed without zod) and the config key alike. No model has a larger one. */
export const MIN_CONTEXT = 256;
export const MAX_CONTEXT = 10_000_000;

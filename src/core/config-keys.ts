/**
 * The keys a user may set with `promptquest config set`, as plain data: `config --help` names
 * them without loading zod. settings.ts checks at compile time that they are ConfigValues' keys.
 */
const KEYS = ['provider', 'model', 'base_url', 'api_key', 'pack', 'images', 'images_base_url', 'images_model', 'timeout', 'deadline', 'max_reply', 'context', 'prices', 'language', 'status', 'speed'] as const;
export type ConfigKey = (typeof KEYS)[number];
export const CONFIG_KEYS: ConfigKey[] = [...KEYS];

/** The context window's bounds, for `--context` (parsed without zod) and the config key alike. No model has a larger one. */
export const MIN_CONTEXT = 256;
export const MAX_CONTEXT = 10_000_000;

/**
 * The longest one model request may take in all, in seconds, however busily the server sends.
 * Ten minutes: a CPU-only machine reading an 8k-token prompt (~20 tokens/s) and writing a
 * 1024-token reply (~3 tokens/s) needs about that much, and nothing slower is playable anyway;
 * the silence `timeout` (120 s) still catches a server that stops sending much sooner.
 */
export const DEFAULT_DEADLINE_S = 600;
/**
 * MB of reply text one request may bring. The longest reply PromptQuest asks for (8192 tokens)
 * is about 32 KB of text, so 1 MB is 30 times that, and holding it costs nothing.
 */
export const DEFAULT_MAX_REPLY_MB = 1;
/**
 * The bytes on the wire may be this many times the text: a streamed token costs ~200 bytes of
 * SSE framing for ~4 characters (OpenAI's chunks), so an 8192-token reply is ~2 MB on the wire.
 * Without this second limit a stream of empty chunks, or one endless line, is never stopped.
 */
export const WIRE_BYTES_PER_TEXT_BYTE = 16;

/**
 * The openai SDK client for a model server's base URL, as the chat narrator and the images
 * client both need it: user:password in the URL sent as Basic auth (and then the key not sent;
 * fetch would refuse such a URL), a query such as Azure's `?api-version=` kept apart (the SDK
 * appends paths to the base URL as text, so it must go in defaultQuery), and no SDK logging
 * (errors are reported in one line of ours; the SDK would print raw server text).
 */
import OpenAI from 'openai';
import { serverAddress, type ServerAddress } from '../core/server-address.js';
import { OPENAI_BASE_URL } from '../core/settings.js';

export interface ClientOptions {
  /** null: OpenAI itself. */
  baseURL: string | null;
  apiKey: string | null;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
}

export function openAIClient(o: ClientOptions): { client: OpenAI; address: ServerAddress } {
  const address = serverAddress(o.baseURL ?? OPENAI_BASE_URL, o.apiKey);
  const url = o.baseURL ? new URL(address.url) : null;
  const defaultQuery = url?.search ? Object.fromEntries(url.searchParams) : undefined;
  if (url) url.search = '';
  const basic = address.authorization?.startsWith('Basic ') ? address.authorization : null;
  const client = new OpenAI({
    // The SDK refuses to start without a key; local servers ignore it. With user:password in
    // the URL the key is not sent (server-address.ts says why), so the SDK never holds it.
    apiKey: (basic ? null : o.apiKey) ?? 'sk-no-key-needed-for-local-servers',
    baseURL: url?.toString() ?? undefined,
    ...(defaultQuery ? { defaultQuery } : {}),
    // Later than the SDK's own bearer header, so this one is sent.
    ...(basic ? { defaultHeaders: { Authorization: basic } } : {}),
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    logLevel: 'off',
    fetch: o.fetch,
  });
  return { client, address };
}

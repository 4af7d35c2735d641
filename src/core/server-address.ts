/**
 * Where requests go and how they authenticate, from a base URL and an API key. Fetch refuses
 * URLs with credentials in them ("http://user:pass@host/v1"), so the userinfo is taken out of
 * the URL and sent the way a browser would: an `Authorization: Basic` header. Pure.
 */

export interface ServerAddress {
  /** The base URL without user:password (query and path untouched). */
  url: string;
  /** `Basic …` from the URL's userinfo, else `Bearer <key>`, else null. */
  authorization: string | null;
  /** Everything here a message must never show: the key, the password, the Basic token. */
  secrets: string[];
  /** Both were given, and the userinfo won: the key is not sent to this server. */
  keyNotSent: boolean;
}

const decoded = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray "%" is part of the password, as typed
  }
};

/** RFC 7617: base64 of the UTF-8 of "user:password". */
const basicToken = (user: string, password: string): string => Buffer.from(`${user}:${password}`, 'utf8').toString('base64');

export function serverAddress(baseURL: string, apiKey: string | null): ServerAddress {
  const u = new URL(baseURL);
  const user = decoded(u.username);
  const password = decoded(u.password);
  if (!user && !password) {
    return { url: baseURL, authorization: apiKey ? `Bearer ${apiKey}` : null, secrets: apiKey ? [apiKey] : [], keyNotSent: false };
  }
  u.username = '';
  u.password = '';
  const token = basicToken(user, password);
  // There is one Authorization header, and the userinfo wins it over the API key: it was written
  // into this server's own address, while the key is often OPENAI_API_KEY, set for OpenAI. The
  // servers that take user:password (a basic-auth proxy in front of llama.cpp, Ollama or vLLM)
  // do not read a bearer key behind it, and a key sent where it is not read is one more copy of it
  // in someone's logs. So the key is not sent at all; the player is told once.
  return {
    url: u.toString(),
    authorization: `Basic ${token}`,
    secrets: [apiKey, password, token, `${user}:${password}`].filter((s): s is string => !!s),
    keyNotSent: apiKey !== null,
  };
}

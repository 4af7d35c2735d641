/**
 * Answers that are not a model server's answer: a redirect, a port that speaks another protocol,
 * a reply without end. Each gets a line that says what happened, not "cannot reach the server"
 * or "the connection kept dropping", which would send the player looking in the wrong place.
 */
import { en, type Messages } from '../core/messages/en.js';
import OpenAI from 'openai';
import { RuntimeFailure } from '../core/errors.js';
import { sanitizeText } from '../core/sanitize.js';
import { shownURL } from '../core/settings.js';
import { DeadlinePassed, formatBytes, ReplyTooLarge, SDK_RETRIES } from './openai-errors.js';

const SDK_ATTEMPTS = SDK_RETRIES + 1;
/** Enough of what a non-HTTP port said to recognise it ("SSH-2.0-OpenSSH_9.2", "220 mail.example ESMTP"). */
const GREETING_CHARS = 60;

/** Where a 3xx points, as a base URL the player could pass: resolved, and without the route we asked for. */
function redirectTarget(location: string | null, baseURL: string): string | null {
  if (!location) return null;
  try {
    const to = new URL(location, `${baseURL.replace(/\/+$/, '')}/chat/completions`);
    to.pathname = to.pathname.replace(/\/chat\/completions\/?$/, '');
    return shownURL(to.toString());
  } catch {
    return null;
  }
}

/** The errors a fetch failure wraps, outermost first (the SDK's, then fetch's, then the socket's). */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
}

/** The first errno-like code in the chain (ECONNREFUSED, UND_ERR_SOCKET, ERR_SSL_WRONG_VERSION_NUMBER...). */
function codeOf(err: unknown): string | null {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** What a port that is not an HTTP server said first, or null when the failure is something else. */
function notHttp(err: unknown): { said: string } | null {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    // undici's parser error: Node 20 and 22 give it an HPE_ code, Node 24 only its name.
    if ((typeof code === 'string' && code.startsWith('HPE_')) || (e instanceof Error && e.name === 'HTTPParserError')) {
      const data = (e as { data?: unknown }).data;
      const line = typeof data === 'string' ? sanitizeText(data).replace(/\s+/g, ' ').trim() : '';
      const said = line.length > GREETING_CHARS ? `${line.slice(0, GREETING_CHARS - 1)}…` : line;
      return { said };
    }
  }
  return null;
}

export interface Limits {
  deadlineS: number;
  maxReplyMB: number;
}

/** The line for one of these odd answers, or null for an ordinary API error. */
export function describeOddAnswer(err: unknown, rawBaseURL: string, limits: Limits, w: Messages['failures'] = en.failures): RuntimeFailure | null {
  const baseURL = shownURL(rawBaseURL);
  if (err instanceof ReplyTooLarge) {
    return new RuntimeFailure(w.tooMuch(baseURL, formatBytes(err.bytes), err.what === 'text'), w.tooMuchHint(limits.maxReplyMB * 4, w.comeBack));
  }
  if (err instanceof DeadlinePassed) return new RuntimeFailure(w.deadline(baseURL, err.seconds), w.deadlineHint(limits.deadlineS * 2, w.comeBack));
  if (err instanceof OpenAI.APIError && err.status !== undefined && err.status >= 300 && err.status < 400) {
    const target = redirectTarget(err.headers?.get('location') ?? null, rawBaseURL);
    const to = target ? sanitizeText(target) : null;
    return new RuntimeFailure(w.redirect(baseURL, err.status, to), w.redirectHint(to));
  }
  return err instanceof OpenAI.APIConnectionError ? describeOddConnection(err, rawBaseURL, w) : null;
}

/** A connection that was made, but not to an HTTP model server: it spoke another protocol, or plain HTTP to https://, or hung up. */
function describeOddConnection(err: unknown, rawBaseURL: string, w: Messages['failures']): RuntimeFailure | null {
  const baseURL = shownURL(rawBaseURL);
  const odd = notHttp(err);
  if (odd) return new RuntimeFailure(w.notHttp(baseURL, odd.said), w.checkUrl);
  const code = codeOf(err);
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' && baseURL.startsWith('https:')) {
    return new RuntimeFailure(w.plainHttp(baseURL), w.useUrl(baseURL.replace(/^https:/, 'http:')));
  }
  if (code === 'UND_ERR_SOCKET') {
    // Also what an HTTPS port does with a plain HTTP request: it hangs up.
    return new RuntimeFailure(w.hungUp(baseURL, w.attempts(SDK_ATTEMPTS)), w.hungUpHint(baseURL.startsWith('http:') ? baseURL.replace(/^http:/, 'https:') : null));
  }
  return null;
}

/**
 * Credentials in text that is about to be shown, logged or put in a JSON event. A model
 * server's error text is untrusted: a proxy may echo the Authorization header, a server may
 * quote the request URL or the key itself. Pure: the caller says which secrets it holds.
 */

/** Secrets shorter than this are not searched for: replacing every "ab" in a line would garble it and hide nothing. */
const MIN_SECRET = 4;
/** Only a long key keeps its last 4 characters (enough to tell keys apart, far too few to guess one). */
const TAIL_FROM = 16;

/**
 * "sk-proj-…wxyz": an API key's well-known prefix and its last 4 characters, so a player can tell
 * which key a server refused. Anything else (a password, a Basic token, whose last characters
 * are the password's) is only "…".
 */
export function maskSecret(secret: string): string {
  const prefix = /^(sk-(?:proj-|ant-|svcacct-)?)/.exec(secret)?.[1];
  if (!prefix) return '…';
  return `${prefix}…${secret.length >= TAIL_FROM ? secret.slice(-4) : ''}`;
}

/** Tokens in an Authorization-looking context, whatever secret they are: a server may echo a header we never knew. */
const AUTH_TOKEN = /\b(Bearer|Basic)(\s+|%20|\+)([A-Za-z0-9._~+/=-]{8,})(?![A-Za-z0-9._~+/=…-])/gi;
/** A token, not a word: "Basic understanding" stays as it is; "Basic dXNlcjpwYXNz" does not. */
const tokenLike = (t: string): boolean => /[0-9+/=._~-]/.test(t) || /[A-Z]/.test(t.slice(1));
/**
 * OpenAI-style keys named nowhere in the settings (an old key in a proxy's error page). Both
 * patterns take a whole token, never one followed by "…": text masked once is left as it is.
 */
const KEY_SHAPED = /\bsk-[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_…-])/g;

type Spellings = [spelling: string, masked: string][];

/** Each secret as written and URL-encoded, with its masked form; longest first, so a secret that contains another is replaced whole. */
function spellingsOf(secrets: ReadonlyArray<string | null | undefined>): Spellings {
  const spellings = new Map<string, string>();
  for (const s of secrets) {
    if (!s || s.length < MIN_SECRET) continue;
    for (const spelling of [s, encodeURIComponent(s)]) spellings.set(spelling, maskSecret(s));
  }
  return [...spellings.entries()].sort(([a], [b]) => b.length - a.length);
}

function replaceKnown(text: string, spellings: Spellings): string {
  let out = text;
  for (const [spelling, masked] of spellings) out = out.split(spelling).join(masked);
  return out;
}

/**
 * Masks text that arrives in pieces (live narration): a piece that ends with what could be the
 * start of a secret is held back until the next shows it is not, so no secret is ever shown in
 * part. Only the known secrets: a pattern (a "Bearer" token) could match only once more has
 * arrived, after its start was shown. Call it again for each new stream.
 */
export function liveMasker(secrets: ReadonlyArray<string | null | undefined>, emit: (delta: string) => void): (delta: string) => void {
  const spellings = spellingsOf(secrets);
  let raw = '';
  let shown = 0;
  const heldBack = (): number => {
    for (let k = Math.min(raw.length, (spellings[0]?.[0].length ?? 1) - 1); k > 0; k--) {
      const tail = raw.slice(-k);
      if (spellings.some(([spelling]) => spelling.length > k && spelling.startsWith(tail))) return k;
    }
    return 0;
  };
  return (delta) => {
    raw += delta;
    const out = replaceKnown(raw.slice(0, raw.length - heldBack()), spellings);
    if (out.length > shown) emit(out.slice(shown));
    shown = Math.max(shown, out.length);
  };
}

/** A function that masks every given secret (and its URL-encoded spelling) and anything shaped like a key or token. */
export function secretMasker(secrets: ReadonlyArray<string | null | undefined>): (text: string) => string {
  const ordered = spellingsOf(secrets);
  return (text) => {
    return replaceKnown(text, ordered)
      .replace(AUTH_TOKEN, (all, scheme: string, gap: string, token: string) =>
        !tokenLike(token) ? all : `${scheme}${gap}${scheme.toLowerCase() === 'basic' ? '…' : maskSecret(token)}`)
      .replace(KEY_SHAPED, (key) => maskSecret(key));
  };
}

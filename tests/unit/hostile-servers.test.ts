/**
 * Model servers that are hostile or broken, against the real narrator (the real SDK over real
 * HTTP): a stream without end is stopped by the reply limit or the deadline, once, with a line
 * that says so; server text that echoes the key or a password shows it masked; a redirect and
 * a port that speaks another protocol are named for what they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIServer, validReply, type FakeServer } from '../helpers/openai-server.js';
import { echoingErrorEvent, endlessStream, startHostileServer, startRawPort, type HostileServer } from '../helpers/hostile-server.js';
import { OpenAINarrator, type OpenAINarratorOptions } from '../../src/adapters/openai-narrator.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { initialState } from '../../src/core/state.js';
import { RuntimeFailure } from '../../src/core/errors.js';
import { zh } from '../../src/core/messages/zh.js';
import { errorLine } from '../../src/cli/run.js';
import type { NarrationRequest } from '../../src/engine/ports.js';

const pack = loadPack('lighthouse', '/nonexistent-home');
const request: NarrationRequest = {
  pack, state: initialState(pack.manifest, {}, null), summary: null, history: [], said: 'look around', rails: null, authored: null, notes: [],
};

const KEY = 'sk-test-ABCDEFGHIJKLMNOPQRSTUV1234';
const PASSWORD = 'pw-Hunter2-secret';

function narrator(baseURL: string, extra: Partial<OpenAINarratorOptions> = {}) {
  const log: string[] = [];
  const notices: string[] = [];
  const n = new OpenAINarrator({
    model: 'fake-model', baseURL, apiKey: KEY, timeoutMs: 10_000,
    // A known window: no probes, so every request a test counts is a chat request.
    contextOverride: 8192,
    cache: { get: () => undefined, set: () => undefined },
    contextCache: { get: () => undefined, set: () => undefined },
    log: (l) => log.push(l), notice: (l) => notices.push(l),
    ...extra,
  });
  return { n, log, notices };
}

/** The failure a turn ends with, and the one line the player would see. */
async function failure(n: OpenAINarrator, onText?: (t: string) => void): Promise<{ err: RuntimeFailure; line: string }> {
  const err = await n.narrate(request, onText ? { onText } : {}).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(RuntimeFailure);
  return { err: err as RuntimeFailure, line: `promptquest: ${errorLine(err)}` };
}

const chatCalls = (s: { requests: { path: string }[] }) => s.requests.filter((r) => r.path === '/v1/chat/completions').length;

describe('a stream without end', () => {
  let servers: HostileServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const start = async (o: Parameters<typeof endlessStream>[0]) => {
    const s = await startHostileServer(endlessStream(o));
    servers.push(s);
    return s;
  };

  it('a fast one is stopped at the reply-text limit, once, and not asked again as if the connection dropped', async () => {
    const s = await start({ text: 1000, everyMs: 0 });
    let shown = 0;
    const { line } = await failure(narrator(s.baseURL, { maxReplyMB: 0.2 }).n, (t) => (shown += t.length));
    expect(line).toBe(`promptquest: the model server at ${s.baseURL} sent more than 200 KB of text for one reply, so it was stopped (does it stream without end?) — check the server, or raise the limit (promptquest config set max_reply 0.8); the game is saved up to the last turn: promptquest continue`);
    expect(line).not.toContain('dropping');
    expect(chatCalls(s)).toBe(1);
    // The client closed the stream; the server wrote little more than the limit (socket buffers aside).
    await expect.poll(() => s.stats.closedStreams, { timeout: 5000 }).toBe(1);
    expect(s.stats.sentBytes).toBeLessThan(200_000 * 16 + 8_000_000);
  });

  it('a fast one with no text (only SSE framing) is stopped at the byte limit on the wire', async () => {
    const s = await start({ text: 0, everyMs: 0 });
    const { line } = await failure(narrator(s.baseURL, { maxReplyMB: 0.05 }).n);
    // 16 times the text limit: room for the framing of any real reply.
    expect(line).toMatch(/^promptquest: the model server at \S+ sent more than 800 KB for one reply, so it was stopped \(does it stream without end\?\)/);
    expect(chatCalls(s)).toBe(1);
    await expect.poll(() => s.stats.closedStreams, { timeout: 5000 }).toBe(1);
  });

  it('with the default limit (1 MB of text) a fast one ends too, in seconds, holding little memory', async () => {
    const s = await start({ text: 500, everyMs: 0 });
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const { line } = await failure(narrator(s.baseURL).n, () => undefined);
    expect(line).toContain('sent more than 1 MB of text for one reply');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200_000_000);
  });

  it('a slow one that is never silent long enough to stall is stopped at the deadline', async () => {
    const s = await start({ text: 3, everyMs: 50 });
    const started = Date.now();
    // Server and client share this worker's event loop: a 2 s silence allowance leaves room for
    // a loaded machine's pauses between the 50 ms pieces, so only the deadline can end it.
    const { line } = await failure(narrator(s.baseURL, { timeoutMs: 2000, deadlineMs: 2500 }).n);
    expect(line).toBe(`promptquest: the model server at ${s.baseURL} was still sending its reply after 2.5 s, so it was stopped (does it stream without end?) — check the server, or allow more time (promptquest config set deadline 5); the game is saved up to the last turn: promptquest continue`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    expect(chatCalls(s)).toBe(1);
    await expect.poll(() => s.stats.closedStreams, { timeout: 5000 }).toBe(1);
  });
});

describe('server text that echoes credentials', () => {
  let server: FakeServer;
  let echo: HostileServer;
  beforeAll(async () => {
    // Every chat request is answered with its own Authorization header (and the raw key) in the error text.
    server = await startOpenAIServer({
      routes: (req) => {
        if (req.path !== '/v1/chat/completions') return undefined;
        const status = Number(req.body?.messages?.at(-1)?.content?.match(/status (\d{3})/)?.[1] ?? 400);
        const auth = String(req.headers.authorization ?? '');
        const body = { error: { message: `bad request from ${auth} (key ${auth.replace(/^Bearer /, '')})`, type: 'invalid_request_error' } };
        // A 500 is retried: `retry-after-ms` (as OpenAI sends it) lets the SDK ask again at once.
        return { status, body, headers: { 'retry-after-ms': '1' } };
      },
    });
    echo = await startHostileServer(echoingErrorEvent);
  });
  afterAll(async () => {
    await server.close();
    await echo.close();
  });

  const said = (text: string): NarrationRequest => ({ ...request, said: text });

  it.each([400, 422, 500])('an HTTP %i error echoing the key shows it masked, in the line and the log', async (status) => {
    const { n, log } = narrator(server.baseURL);
    const err = await n.narrate(said(`status ${status}`)).then(() => null, (e: unknown) => e);
    const line = `promptquest: ${errorLine(err)}`;
    expect(line).toContain(`HTTP ${status}`);
    expect(line).toContain('Bearer sk-…1234');
    expect(line + log.join('\n')).not.toContain('ABCDEFGHIJKLMNOP');
    expect((err as Error).stack).not.toContain('ABCDEFGHIJKLMNOP');
  });

  it('an SSE error event echoing a Basic header (user:password in the URL) shows neither the token nor the password', async () => {
    const url = echo.baseURL.replace('http://', `http://ada:${PASSWORD}@`);
    const { n } = narrator(url);
    const { line } = await failure(n);
    const token = Buffer.from(`ada:${PASSWORD}`).toString('base64');
    expect(line).toBe(`promptquest: the model server at ${echo.baseURL} reported an error mid-reply: upstream refused Authorization: Basic … — try again (promptquest continue), or another --model`);
    expect(line).not.toContain(token);
    expect(line).not.toContain(PASSWORD);
  });
});

describe('a reply that echoes the key', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ fallback: { kind: 'ok', reply: validReply({ narration: `The oracle whispers your key: ${KEY}. Beware.` }) } });
  });
  afterAll(() => server.close());

  it('is masked in the narration kept (and saved) and in the live text, which never shows it even in part', async () => {
    const live: string[] = [];
    const got = await narrator(server.baseURL).n.narrate(request, { onText: (d) => live.push(d) });
    expect(got.kind === 'reply' && got.reply.narration).toBe('The oracle whispers your key: sk-…1234. Beware.');
    expect(got.kind === 'reply' && got.raw).not.toContain(KEY);
    // The fake server streams 2–7 characters a chunk, so the key arrived in pieces.
    expect(live.length).toBeGreaterThan(5);
    expect(live.join('')).toBe('The oracle whispers your key: sk-…1234. Beware.');
  });
});

describe('user:password in a base URL', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  it('is sent as Authorization: Basic, to the chat route and the window probes alike, and the key is not sent', async () => {
    const url = server.baseURL.replace('http://', 'http://ada:p%40ss%20word@');
    const from = server.requests.length;
    const { n, notices } = narrator(url, { contextOverride: null });
    const got = await n.narrate(request);
    expect(got.kind).toBe('reply');
    const sent = server.requests.slice(from);
    expect(sent.some((r) => r.path === '/v1/chat/completions')).toBe(true);
    expect(sent.some((r) => r.path !== '/v1/chat/completions')).toBe(true); // the window probes
    // Decoded as the URL spells it: "p@ss word".
    const basic = `Basic ${Buffer.from('ada:p@ss word').toString('base64')}`;
    for (const r of sent) expect(r.headers.authorization, r.path).toBe(basic);
    expect(JSON.stringify(sent)).not.toContain(KEY);
    expect(notices).toContain(`The API key is not sent to ${server.baseURL}: the user:password in its URL goes as the Authorization header instead.`);
    // In a Chinese game the notice is Chinese, the URL still shown without the password.
    const zhNotices = narrator(url, { words: zh.window }).notices;
    expect(zhNotices).toEqual([`API 密钥不会发给 ${server.baseURL}：它网址里的 user:password 会作为 Authorization 请求头发送。`]);
  });

  it('without an API key: Basic, and nothing to tell', async () => {
    const from = server.requests.length;
    const { n, notices } = narrator(server.baseURL.replace('http://', 'http://ada:pw@'), { apiKey: null });
    await n.narrate(request);
    const chats = server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');
    expect(chats.map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from('ada:pw').toString('base64')}`]);
    expect(notices).toEqual([]);
  });

  it('without userinfo the key goes as a Bearer token, as before', async () => {
    const from = server.requests.length;
    await narrator(server.baseURL).n.narrate(request);
    const chats = server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');
    expect(chats.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
  });
});

describe('answers that are not a model server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      routes: (req) => {
        if (req.path !== '/v1/chat/completions') return undefined;
        const to = req.headers['x-test-redirect'] === 'relative' ? '/api/v1/chat/completions' : 'https://models.example/v1/chat/completions?api-key=sk-LEAKED-IN-LOCATION-0000';
        return { status: 301, body: 'Moved', headers: { location: to } };
      },
    });
  });
  afterAll(() => server.close());

  it('a redirect is named with where it points (credentials hidden), not followed, not retried', async () => {
    const from = server.requests.length;
    const { line } = await failure(narrator(server.baseURL).n);
    expect(line).toBe(`promptquest: the server at ${server.baseURL} redirects (HTTP 301) to https://models.example/v1; redirects are not followed — if that is the model server, use it: --base-url https://models.example/v1`);
    expect(server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
  });

  it('a relative redirect is resolved against the server', async () => {
    const root = server.baseURL.replace(/\/v1$/, '');
    const relative: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-test-redirect': 'relative' } });
    const { line } = await failure(narrator(server.baseURL, { fetch: relative }).n);
    expect(line).toContain(`redirects (HTTP 301) to ${root}/api/v1; redirects are not followed — if that is the model server, use it: --base-url ${root}/api/v1`);
  });

  it('an SSH or SMTP port, https:// to a plain HTTP server, and a port that hangs up are each named for what they are, never "cannot reach"', async () => {
    const greetings = [
      ['SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n', 'SSH-2.0-OpenSSH_9.2p1 Debian-2'],
      ['220 mail.example.com ESMTP Postfix\r\n', '220 mail.example.com ESMTP Postfix'],
    ] as const;
    const ports = await Promise.all(greetings.map(([greeting]) => startRawPort(greeting)));
    const hangUp = await startRawPort('', { hangUp: true });
    const plain = server.baseURL.replace(/^http:/, 'https:');
    try {
      // All at once: the SDK retries a failed connection twice, with backoff, before it gives up.
      const [ssh, smtp, tls, closed] = await Promise.all([...ports.map((p) => p.url), plain, hangUp.url].map(async (url) => (await failure(narrator(url).n)).line));
      [ssh, smtp].forEach((line, i) => {
        expect(line).toBe(`promptquest: ${ports[i]!.url} does not answer in HTTP (it said "${greetings[i]![1]}"): is that the model server's port? — check --base-url (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1)`);
      });
      expect(tls).toBe(`promptquest: the server at ${plain} answers in plain HTTP, not HTTPS — use --base-url ${server.baseURL}`);
      expect(closed).toBe(`promptquest: the server at ${hangUp.url} closed the connection without answering (3 attempts) — is that the model server's port? If it is an HTTPS server: --base-url ${hangUp.url.replace(/^http:/, 'https:')}`);
    } finally {
      await Promise.all([...ports, hangUp].map((p) => p.close()));
    }
  });
});

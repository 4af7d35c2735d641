/**
 * Model servers that misbehave on purpose, for tests, on 127.0.0.1: a stream that never ends
 * (fast or slow), an SSE error event that echoes the request's Authorization header, and a TCP
 * port that answers in another protocol (an SSH or SMTP greeting). The rest of what a server
 * can do wrong is in openai-server.ts (status codes, drops, stalls, routes for redirects).
 *
 * Nothing here keeps what it sends: a stream without end is counted, never stored, and it is
 * written with backpressure, so the test's own memory stays flat however long it runs.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export interface HostileServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  /** Path and headers of every request, in order. */
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  /** Bytes written to chat streams so far, and how many of those streams the client has closed. */
  stats: { sentBytes: number; closedStreams: number };
  close(): Promise<void>;
}

/** What the server does with a chat request: everything else gets a 404. */
export type ChatBehaviour = (req: http.IncomingMessage, res: http.ServerResponse, stats: HostileServer['stats']) => void;

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

const chunk = (delta: object): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: 0, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;

/**
 * An SSE reply that never ends. `text` characters of content per chunk (0: empty deltas, all
 * framing and no text); `everyMs` between chunks (0: as fast as the client reads).
 */
export function endlessStream(o: { text: number; everyMs: number }): ChatBehaviour {
  return (_req, res, stats) => {
    res.writeHead(200, SSE_HEADERS);
    const piece = chunk(o.text ? { content: 'x'.repeat(o.text) } : {});
    let open = true;
    res.on('close', () => {
      open = false;
      stats.closedStreams++;
    });
    const send = (): boolean => {
      stats.sentBytes += piece.length;
      return res.write(piece);
    };
    if (o.everyMs > 0) {
      const timer = setInterval(() => (open ? send() : clearInterval(timer)), o.everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const pump = (): void => {
      while (open) if (!send()) return void res.once('drain', pump);
    };
    pump();
  };
}

/** A stream that starts a reply, then sends an error event quoting the Authorization header it got. */
export const echoingErrorEvent: ChatBehaviour = (req, res) => {
  res.writeHead(200, SSE_HEADERS);
  res.write(chunk({ role: 'assistant', content: '' }));
  res.end(`data: ${JSON.stringify({ error: { message: `upstream refused Authorization: ${req.headers.authorization ?? '(none)'}`, type: 'server_error' } })}\n\n`);
};

export async function startHostileServer(chat: ChatBehaviour): Promise<HostileServer> {
  const requests: HostileServer['requests'] = [];
  const stats = { sentBytes: 0, closedStreams: 0 };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, headers: { ...req.headers } });
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && path === '/v1/chat/completions') return chat(req, res, stats);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no such route","type":"invalid_request_error"}}');
    });
  });
  const { baseURL, close } = await listenOnLoopback(server);
  return {
    baseURL,
    requests,
    stats,
    close,
  };
}

/**
 * A TCP port that is not an HTTP server: it greets every connection with `greeting` and ignores
 * what it is sent; with `hangUp` it closes each connection at once, saying nothing (what an HTTPS
 * port does with a plain HTTP request).
 */
export async function startRawPort(greeting: string, o: { hangUp?: boolean } = {}): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    if (o.hangUp) s.end();
    else s.write(greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    connections: () => count,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

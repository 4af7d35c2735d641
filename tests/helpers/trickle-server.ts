/**
 * A real local OpenAI-compatible server whose streamed replies trickle in: a few characters
 * every `everyMs`, so a test can type into the terminal while a narration is still arriving.
 * With `holdAfter`, each reply stops once that text has been sent and waits for `release()`
 * (the first release lets the first reply go on, the second the second, ...): the test, not
 * the clock, decides how long a reply is still arriving.
 * Only `POST /v1/chat/completions` with `stream: true` (what a turn sends); anything else is a
 * 404, as from a server that cannot say its window.
 */
import http from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface TrickleServer {
  baseURL: string;
  /** Chat requests received. */
  chats: number;
  /** Lets the next held reply (in the order they came) send the rest of its text. */
  release(): void;
  close(): Promise<void>;
}

export async function startTrickleServer(reply: () => unknown, o: { everyMs: number; chunk: number; holdAfter?: string }): Promise<TrickleServer> {
  const state = { chats: 0, released: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
        return;
      }
      state.chats += 1;
      const index = state.chats;
      const content = JSON.stringify(reply());
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'trickle', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(event({ role: 'assistant', content: '' }, null));
      let at = 0;
      const held = () => o.holdAfter !== undefined && content.slice(0, at).includes(o.holdAfter) && state.released < index;
      const timer = setInterval(() => {
        if (held()) return;
        if (at >= content.length) {
          clearInterval(timer);
          res.end(`${event({}, 'stop')}data: [DONE]\n\n`);
          return;
        }
        res.write(event({ content: content.slice(at, at + o.chunk) }, null));
        at += o.chunk;
      }, o.everyMs);
      res.on('close', () => clearInterval(timer));
    });
  });
  const { baseURL, close } = await listenOnLoopback(server);
  return {
    baseURL,
    get chats() {
      return state.chats;
    },
    release: () => {
      state.released += 1;
    },
    close,
  };
}

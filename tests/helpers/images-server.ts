/**
 * A real local HTTP server for the OpenAI Images API (`POST /v1/images/generations`), answering
 * with real small PNGs as base64. It can hold every request until the test lets it go (to show
 * that a game does not wait for its pictures) and fail the requests whose prompt matches.
 */
import http from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { makePng } from './png.js';

export interface ImagesServer {
  baseURL: string;
  /** The JSON bodies received, in order. */
  requests: { model: string; prompt: string; response_format?: string; authorization?: string; url?: string }[];
  /** Answer the held requests and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

export interface ImagesServerOptions {
  /** Hold requests until release() (default: answer at once). */
  hold?: boolean;
  /** Prompts matching this get an HTTP 400 (a content-policy refusal: not retried). */
  failWhen?: RegExp;
}

export async function startImagesServer(o: ImagesServerOptions = {}): Promise<ImagesServer> {
  const requests: ImagesServer['requests'] = [];
  const held: (() => void)[] = [];
  let holding = o.hold ?? false;
  const png = makePng(64, 36, [90, 120, 150]).toString('base64');
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/images/generations')) return send(404, { error: { message: 'not found', type: 'invalid_request_error' } });
      const parsed = JSON.parse(body) as { model: string; prompt: string; response_format?: string };
      requests.push({ ...parsed, authorization: req.headers.authorization, url: req.url });
      const answer = () =>
        o.failWhen?.test(parsed.prompt)
          ? send(400, { error: { message: 'Your request was rejected by the safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } })
          : send(200, { created: 1, data: [{ b64_json: png }] });
      if (holding) held.push(answer);
      else answer();
    });
  });
  const { baseURL, close } = await listenOnLoopback(server);
  return {
    baseURL,
    requests,
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close,
  };
}

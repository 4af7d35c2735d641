/**
 * The fetch every model request goes through: redirects are not followed but reported, and a
 * response body is cut off once it passes a byte limit. Without the limit a server streaming
 * without end (or a 50 MB error page) is read until memory runs out: the SDK reads error bodies
 * whole, and its SSE decoder buffers a line that never ends.
 */
import { ReplyTooLarge } from './openai-errors.js';

/**
 * Not followed, because following would be wrong both ways: a 301/302 turns the POST into a GET
 * (the server then answers 404 or 405, which says nothing about the redirect), and a redirect to
 * another host would carry the request, and the fetch decides what becomes of its Authorization
 * header. The SDK sees the 3xx as an error, and describeApiError names where it points.
 */
export function guardReplies(fetchImpl: typeof fetch, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const res = await fetchImpl(input, { ...init, redirect: 'manual' });
    if (!res.body) return res;
    let seen = 0;
    // Erroring the transform cancels the body: the connection closes and nothing more is read.
    const capped = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new ReplyTooLarge(maxBytes, 'bytes'));
        else controller.enqueue(chunk);
      },
    }));
    return new Response(capped, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

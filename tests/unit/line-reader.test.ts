/** Piped input is read a line at a time, and an endless pipe (`yes 1 |`) is not read ahead without bound. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../src/adapters/ui/line-reader.js';

describe('LineReader', () => {
  it('hands out lines in order, then null at the end of input', async () => {
    const r = new LineReader(Readable.from(['a\nb', '\nc\n']));
    expect([await r.next(), await r.next(), await r.next(), await r.next()]).toEqual(['a', 'b', 'c', null]);
  });

  it('stops reading an endless source while lines wait unread', async () => {
    let chunks = 0;
    const endless = new Readable({
      read() {
        chunks++;
        this.push('1\n'.repeat(1000));
      },
    });
    const r = new LineReader(endless);
    for (let i = 0; i < 10; i++) expect(await r.next()).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Unbounded, this grows by thousands of chunks a second until memory runs out.
    expect(chunks).toBeLessThan(50);
    r.close();
    endless.destroy();
  });
});

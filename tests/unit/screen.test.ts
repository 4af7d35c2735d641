/** The terminal's one output path counts the rows it wrote, so a redraw goes back exactly that far. */
import { describe, expect, it } from 'vitest';
import { Screen } from '../../src/adapters/ui/screen.js';

/** A terminal `columns` wide and `rows` high that records what is written to it. */
function terminal(columns: number, rows: number, isTTY = true) {
  const written: string[] = [];
  const stream = { columns, rows, isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('Screen', () => {
  it('goes back over wrapped lines, wide characters and notices on stderr to the mark', () => {
    const out = terminal(10, 24);
    const err = terminal(10, 24);
    const screen = new Screen(out.stream, err.stream);
    screen.write('before\n');
    screen.mark();
    screen.write('\nheading\n\n'); // 3 rows
    screen.writeErr('a notice that wraps\n'); // 19 columns: 2 rows
    screen.write('风'.repeat(7)); // 14 columns: the cursor is on the 2nd row of this line
    screen.wipe();
    expect(out.written.at(-1)).toBe('\r\x1b[6A\x1b[J');
  });

  it('a line exactly as wide as the terminal takes one row; stderr elsewhere is not counted', () => {
    const out = terminal(10, 24);
    const screen = new Screen(out.stream, terminal(10, 24, false).stream);
    screen.mark();
    screen.write('0123456789\n');
    screen.writeErr('not on this terminal\n');
    screen.write('\r\x1b[Kab');
    screen.wipe();
    expect(out.written.at(-1)).toBe('\r\x1b[1A\x1b[J');
  });

  it('knows when the mark has scrolled out of reach', () => {
    const screen = new Screen(terminal(10, 5).stream, terminal(10, 5).stream);
    screen.mark();
    screen.write('1\n2\n3\n');
    expect(screen.markOnScreen).toBe(true);
    screen.write('4\n5\n6\n');
    expect(screen.markOnScreen).toBe(false);
  });
});

describe('keys held during a turn', () => {
  it('drop an Enter with nothing typed before it, keep Enters after typed keys or arrows', async () => {
    const { withoutBareEnters } = await import('../../src/adapters/ui/input-hold.js');
    const text = (s: string) => withoutBareEnters(Buffer.from(s)).toString();
    expect(text('\r')).toBe('');
    expect(text('\r\r2\r')).toBe('2\r');
    expect(text('look around\r\r')).toBe('look around\r');
    expect(text('\x1b[B\r')).toBe('\x1b[B\r');
    expect(text('ab')).toBe('ab');
  });
});

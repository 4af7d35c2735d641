/** The storybook renderers, from the bundled sample saves and from a save with hostile model text. */
import { describe, expect, it } from 'vitest';
import { FileSaveStore } from '../../src/adapters/file-store.js';
import { SAMPLE_SAVES_DIR } from '../../src/adapters/paths.js';
import { fold, type Timeline } from '../../src/core/journal.js';
import { buildStorybook } from '../../src/core/storybook.js';
import { escapeHtml, storybookHtml } from '../../src/core/storybook-html.js';
import { escapeMarkdown, storybookMarkdown } from '../../src/core/storybook-md.js';
import { storybookText } from '../../src/core/storybook-txt.js';

const samples = new FileSaveStore(SAMPLE_SAVES_DIR);
const noImages = () => null;

async function sample(slot: string) {
  const save = await samples.load(slot);
  return { header: save.header, timeline: fold(save.events) };
}

const HOSTILE = 'The door opens. <img src=x onerror=alert(1)> [click](http://evil.example) <script>steal()</script> & more';

/** The sample with turn 2's narration replaced by markup a model might write. */
function poisoned(t: Timeline): Timeline {
  const turn = t.turns.get(1)!;
  t.turns.set(1, { ...turn, turn: { ...turn.turn, narration: HOSTILE, image_prompt: '"><b>prompt</b>' } });
  return t;
}

describe('storybook', () => {
  it('shows riddle answers as the player typed them, choices by their text, and what changed', async () => {
    const { header, timeline } = await sample('ruins-sample');
    const book = buildStorybook(header, timeline, { title: '雾谷遗迹', language: 'zh-CN', labels: { courage: '勇气', health: '体力' } });
    const text = storybookText(book);
    expect(text).toContain('> 火\n');
    expect(text).toContain('> 风\n');
    expect(text).toContain('> 稻草\n');
    expect(text).not.toContain('answers the riddle correctly');
    expect(text).toContain('> 1. 走向正前方刻着人脸的石门');
    expect(text).toContain('[第 1 回合]');
    expect(text).toMatch(/\*\*\* 结局：胜利: /);
    expect(book.pages.flatMap((p) => p.changes)).toContain('+ 古老的印章');
  });

  it('HTML: one page with nothing to fetch, every model text escaped, prompts framed when there is no picture', async () => {
    const { header, timeline } = await sample('lighthouse-sample');
    const book = buildStorybook(header, poisoned(timeline), { title: 'Last Light <on> Gullscar' });
    const html = storybookHtml(book, noImages);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>prompt');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>Last Light &lt;on&gt; Gullscar</title>');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(?:src|href)="https?:/);
    expect(html.match(/class="prompt-only"/g)?.length).toBe(book.pages.filter((p) => p.imagePrompt).length);
    expect(escapeHtml(`'"&`)).toBe('&#39;&quot;&amp;');
  });

  it('HTML embeds the pictures it is given; Markdown links them; both escape model text', async () => {
    const { header, timeline } = await sample('lighthouse-sample');
    timeline.images.set(0, { type: 'image', turn: 0, file: 'x-t0.png', prompt: 'p', model: null, at: 'now' });
    const book = buildStorybook(header, poisoned(timeline));
    expect(book.pages[0]?.image).toBe('x-t0.png');
    const html = storybookHtml(book, (f) => `data:image/png;base64,${f}`);
    expect(html.match(/<img /g)?.length).toBe(1);
    expect(html).toContain('<img src="data:image/png;base64,x-t0.png"');
    const md = storybookMarkdown(book, (f) => `pics/${f}`);
    expect(md).toContain('](<pics/x-t0.png>)');
    expect(md).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(md).toContain('\\[click\\]\\(http://evil.example\\)');
    expect(md).not.toMatch(/[^\\]<script/);
    expect(escapeMarkdown('1. not a list\n- nor this\n# nor a heading')).toBe('1\\. not a list\n\\- nor this\n\\# nor a heading');
  });

  it('the main line by default; --all-branches adds the undone turn as another way', async () => {
    const { header, timeline } = await sample('lighthouse-sample');
    expect(buildStorybook(header, timeline).branches).toEqual([]);
    const book = buildStorybook(header, timeline, { allBranches: true });
    expect(book.pages).toHaveLength(15);
    expect(book.branches).toHaveLength(1);
    expect(book.branches[0]?.from).toBe(9);
    expect(book.branches[0]?.pages[0]?.typed).toBe('3');
    expect(storybookMarkdown(book, noImages)).toContain('## Another way from turn 9');
  });
});

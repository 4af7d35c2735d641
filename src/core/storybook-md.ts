/**
 * The storybook as Markdown, with image links. Model text is untrusted here too: Markdown
 * renderers pass raw HTML through and turn brackets into links, so every text from the save is
 * escaped into plain characters before it is laid out.
 */
import { playerLine, storyWords, type StoryPage, type Storybook, type StoryWords } from './storybook.js';
import type { ImageSource } from './storybook-html.js';

/** Text that renders as itself: inline syntax escaped everywhere, block syntax at line starts. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]{}()<>#|~!&]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`))
    .replace(/^(\s*)([-+=]|\d+(?=[.)]))/gm, (_m, space: string, mark: string) => (/\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`));
}

/** A link target inside <…>: spaces allowed, nothing that could end it. */
const target = (url: string): string => `<${url.replace(/[<>\n]/g, encodeURIComponent)}>`;

/** One paragraph per blank-line block; the line breaks inside it kept (two trailing spaces). */
const paragraphs = (text: string): string =>
  text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '').map((p) => escapeMarkdown(p).replace(/\n/g, '  \n')).join('\n\n');

function pageMd(p: StoryPage, src: ImageSource, w: StoryWords, level: string): string {
  const out = [`${level} ${escapeMarkdown(w.turn(p.n))}`];
  const said = playerLine(p);
  if (said !== null) out.push(`> **${escapeMarkdown(w.you)}:** ${escapeMarkdown(said).replace(/\n/g, '  \n> ')}`);
  const url = p.image ? src(p.image) : null;
  if (url !== null) out.push(`![${escapeMarkdown(p.imagePrompt ?? '')}](${target(url)})`);
  if (p.imagePrompt) out.push(`*${escapeMarkdown(w.prompt)}:* ${escapeMarkdown(p.imagePrompt)}`);
  out.push(paragraphs(p.narration));
  if (p.changes.length) out.push(p.changes.map((c) => `\`${c.replace(/`/g, "'")}\``).join(' · '));
  if (p.ending) out.push(`**${escapeMarkdown(w.ending[p.ending.outcome])}:** ${escapeMarkdown(p.ending.reason)}`);
  return out.join('\n\n');
}

export function storybookMarkdown(book: Storybook, src: ImageSource): string {
  const w = storyWords(book.language);
  const parts = [
    `# ${escapeMarkdown(book.title)}`,
    `*${escapeMarkdown(`${w.exported}: ${book.slot} · ${book.packId} · ${book.created.slice(0, 10)}`)}*`,
    ...book.pages.map((p) => pageMd(p, src, w, '##')),
  ];
  for (const b of book.branches) {
    parts.push('---', `## ${escapeMarkdown(w.branch(b.from))}`, ...b.pages.map((p) => pageMd(p, src, w, '###')));
  }
  return `${parts.join('\n\n')}\n`;
}

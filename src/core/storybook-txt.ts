/**
 * The storybook, and the live transcript, as plain text (like Frotz's SCRIPT): the player's
 * words after "> ", the narration, the image prompt, what changed. Text from saves and models
 * is already terminal-safe (sanitised where it entered); nothing here is markup.
 */
import { playerLine, storyWords, type StoryPage, type Storybook, type StoryWords } from './storybook.js';

/** One turn as the transcript and the text storybook write it. */
export function pageText(p: StoryPage, w: StoryWords): string {
  const out: string[] = [`[${w.turn(p.n)}]`];
  const said = playerLine(p);
  if (said !== null) out.push(`> ${said}`);
  out.push(p.narration.trim());
  if (p.imagePrompt) out.push(`(${w.prompt}: ${p.imagePrompt}${p.image ? ` — ${p.image}` : ''})`);
  if (p.changes.length) out.push(p.changes.join(' · '));
  if (p.ending) out.push(`*** ${w.ending[p.ending.outcome]}: ${p.ending.reason} ***`);
  return `${out.join('\n\n')}\n`;
}

export function storybookText(book: Storybook): string {
  const w = storyWords(book.language);
  const head = `${book.title}\n${w.exported}: ${book.slot} · ${book.packId} · ${book.created.slice(0, 10)}\n`;
  const parts = [head, ...book.pages.map((p) => pageText(p, w))];
  for (const b of book.branches) parts.push(`==== ${w.branch(b.from)} ====\n`, ...b.pages.map((p) => pageText(p, w)));
  return parts.join('\n');
}

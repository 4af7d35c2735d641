/**
 * The storybook as one self-contained HTML page: UTF-8, CSS inline, system fonts, pictures as
 * data URIs (or files beside it), and a Content-Security-Policy that lets the page fetch nothing
 * from anywhere. Every text from the save is escaped: narration and prompts are model output.
 */
import { playerLine, storyWords, type StoryBranch, type StoryPage, type Storybook, type StoryWords } from './storybook.js';

/** Where a picture's file can be seen from the page (a data URI or a relative path); null: none. */
export type ImageSource = (file: string) => string | null;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Paragraphs at blank lines, line breaks kept inside them. */
function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

// Narrow first: one column that never scrolls sideways (long prompts and URLs wrap anywhere).
const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f6f1e7;color:#2b2620;font:17px/1.6 Georgia,'Times New Roman','Noto Serif CJK SC','Songti SC',SimSun,serif}
main{max-width:44rem;margin:0 auto;padding:1.25rem 1rem 3rem;overflow-wrap:anywhere}
header{border-bottom:2px solid #c9b99a;margin-bottom:1.5rem}
.kicker{font:600 .8rem/1.2 system-ui,sans-serif;letter-spacing:.08em;text-transform:uppercase;color:#8a7550;margin:0}
h1{font-size:1.9rem;line-height:1.2;margin:.3rem 0 .4rem}
.meta{font:.85rem/1.4 system-ui,sans-serif;color:#6d6353;margin:0 0 1rem}
h2{font:600 .95rem/1.3 system-ui,sans-serif;color:#8a7550;text-transform:uppercase;letter-spacing:.06em;margin:0 0 .6rem}
.page{background:#fffdf8;border:1px solid #e3d8c3;border-radius:10px;padding:1rem;margin:0 0 1.25rem}
.you{font:italic 1rem/1.5 system-ui,sans-serif;background:#efe6d4;border-left:4px solid #b08d57;padding:.45rem .7rem;margin:0 0 .9rem;white-space:pre-wrap}
.you b{font-style:normal;margin-right:.4rem}
figure{margin:0 0 .9rem}
figure img{display:block;width:100%;height:auto;border-radius:6px;background:#ddd}
figcaption{font:.8rem/1.45 system-ui,sans-serif;color:#6d6353;margin-top:.4rem}
figure.prompt-only{border:2px dashed #c9b99a;border-radius:8px;padding:.8rem;background:#faf6ee}
figure.prompt-only figcaption{margin:0;font-size:.85rem}
figcaption b{display:block;font-weight:600;color:#8a7550;margin-bottom:.15rem}
.narration p{margin:0 0 .8rem}
.changes{list-style:none;padding:0;margin:.2rem 0 0;display:flex;flex-wrap:wrap;gap:.35rem}
.changes li{font:.8rem/1.3 system-ui,sans-serif;background:#e9efe4;border:1px solid #c5d3b8;border-radius:999px;padding:.15rem .6rem}
.ending{font-weight:bold;border-top:1px solid #e3d8c3;padding-top:.7rem;margin:.8rem 0 0}
.branch{border-left:3px solid #c9b99a;padding-left:.75rem;margin:2rem 0 0}
.branch>h2{color:#6d6353}
@media (min-width:900px){body{font-size:18px}main{padding-top:2.5rem}.page{padding:1.4rem 1.6rem}}
`.trim();

function figure(p: StoryPage, src: ImageSource, w: StoryWords): string {
  if (!p.imagePrompt && !p.image) return '';
  const caption = p.imagePrompt ? `<figcaption><b>${escapeHtml(w.prompt)}</b>${escapeHtml(p.imagePrompt)}</figcaption>` : '';
  const url = p.image ? src(p.image) : null;
  if (url === null) return `<figure class="prompt-only">${caption}</figure>`;
  return `<figure><img src="${escapeHtml(url)}" alt="${escapeHtml(p.imagePrompt ?? '')}" loading="eager">${caption}</figure>`;
}

function pageHtml(p: StoryPage, src: ImageSource, w: StoryWords, anchor: string): string {
  const said = playerLine(p);
  const parts = [
    `<article class="page" id="${anchor}">`,
    `<h2>${escapeHtml(w.turn(p.n))}</h2>`,
    said === null ? '' : `<p class="you"><b>${escapeHtml(w.you)} ›</b>${escapeHtml(said)}</p>`,
    figure(p, src, w),
    `<div class="narration">${paragraphs(p.narration)}</div>`,
    p.changes.length ? `<ul class="changes">${p.changes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` : '',
    p.ending ? `<p class="ending">${escapeHtml(w.ending[p.ending.outcome])}: ${escapeHtml(p.ending.reason)}</p>` : '',
    '</article>',
  ];
  return parts.filter((x) => x !== '').join('\n');
}

function branchHtml(b: StoryBranch, i: number, src: ImageSource, w: StoryWords): string {
  const pages = b.pages.map((p) => pageHtml(p, src, w, `branch-${i + 1}-turn-${p.n}`)).join('\n');
  return `<section class="branch"><h2>${escapeHtml(w.branch(b.from))}</h2>\n${pages}\n</section>`;
}

export function storybookHtml(book: Storybook, src: ImageSource): string {
  const w = storyWords(book.language);
  const date = book.created.slice(0, 10);
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(book.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: no fonts, scripts or pictures from the network, only what is inline or beside the page.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self' file:; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(book.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header><p class="kicker">${escapeHtml(w.exported)}</p><h1>${escapeHtml(book.title)}</h1><p class="meta">${escapeHtml(`${book.slot} · ${book.packId} · ${date}`)}</p></header>`,
    ...book.pages.map((p) => pageHtml(p, src, w, `turn-${p.n}`)),
    ...book.branches.map((b, i) => branchHtml(b, i, src, w)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

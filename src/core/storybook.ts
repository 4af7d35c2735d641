/**
 * A saved game as a storybook: the pages of its main line (and, when asked, of every other
 * branch), each with what the player typed, the narration, the image prompt and picture, what
 * changed and the ending. Pure: the renderers (storybook-html/md/txt) turn it into text, the CLI
 * reads the save and the pictures.
 *
 * The player's words are the journal's `input`, exactly as typed: a riddle answer appears as the
 * player wrote it ("风"), not as the redacted line the model was sent (`said`).
 */
import { classifyInput } from './input.js';
import { lineTo, mainLine, type Header, type Timeline, type TurnEvent } from './journal.js';
import { ownValue, type GameState } from './state.js';
import { changesBetween } from './status.js';

export interface StoryPage {
  /** The turn's number on its line (the opening is 1). */
  n: number;
  /** What the player typed, as typed; null for the opening. */
  typed: string | null;
  /** The choice the typed number (or ordinal: "第二个") picked, when it picked one. */
  choice: { n: number; text: string } | null;
  narration: string;
  imagePrompt: string | null;
  /** The generated picture's file name in the saves folder, when there is one. */
  image: string | null;
  /** "+ brass key", "− tinderbox", "Warmth 5 → 4". */
  changes: string[];
  ending: { outcome: 'win' | 'lose' | 'end'; reason: string } | null;
}

export interface StoryBranch {
  /** The turn number this branch's first page takes the place of. */
  from: number;
  pages: StoryPage[];
}

export interface Storybook {
  title: string;
  slot: string;
  packId: string;
  language: string;
  created: string;
  pages: StoryPage[];
  /** Other branches (undone turns, /retry alternatives), only with --all-branches. */
  branches: StoryBranch[];
}

export interface StorybookOptions {
  title?: string | undefined;
  language?: string | undefined;
  /** Stat names as the pack labels them ("warmth" -> "Warmth"). */
  labels?: Readonly<Record<string, string>> | undefined;
  allBranches?: boolean | undefined;
}

/** What changed between two states, in words a reader follows: items in and out, stats moved. */
export function stateChanges(before: GameState | null, after: GameState, labels: Readonly<Record<string, string>> = {}): string[] {
  if (!before) return [];
  const c = changesBetween(before, after, (name) => ownValue(labels, name) ?? name);
  // Items first: a reader of the book follows what was found before the numbers.
  return [...c.gained.map((i) => `+ ${i}`), ...c.lost.map((i) => `− ${i}`), ...c.stats.map((s) => `${s.label} ${s.from} → ${s.to}`)];
}

/** One turn as a page (the transcript writes them one at a time, as they are shown). */
export function page(t: Timeline, e: TurnEvent, labels: Readonly<Record<string, string>>): StoryPage {
  const parent = e.parent === null ? undefined : t.turns.get(e.parent);
  const offered = parent?.turn.choices ?? [];
  // Only which choice a number picked is used here, never a hint's words: their language does not matter.
  const c = e.input === null ? null : classifyInput(e.input, offered, 'en');
  const picked = c?.kind === 'choice' ? offered[c.n - 1] : undefined;
  return {
    n: t.depth.get(e.id) ?? 1,
    typed: e.input,
    choice: c?.kind === 'choice' && picked !== undefined ? { n: c.n, text: picked } : null,
    narration: e.turn.narration,
    imagePrompt: e.turn.image_prompt,
    image: t.images.get(e.id)?.file ?? null,
    changes: stateChanges(parent?.state ?? null, e.state, labels),
    ending: e.turn.game_over,
  };
}

/** The newest child of each turn: a branch is followed the way it was last played. */
function childrenOf(t: Timeline): Map<number | null, TurnEvent[]> {
  const kids = new Map<number | null, TurnEvent[]>();
  for (const e of t.turns.values()) kids.set(e.parent, [...(kids.get(e.parent) ?? []), e]);
  return kids;
}

/** Every turn off the main line, as branches: each follows its newest children to its end. */
function branches(t: Timeline, toPage: (e: TurnEvent) => StoryPage): StoryBranch[] {
  const kids = childrenOf(t);
  const onMain = new Set(mainLine(t).map((e) => e.id));
  const placed = new Set(onMain);
  const roots = [...t.turns.values()].filter((e) => !onMain.has(e.id) && (e.parent === null || onMain.has(e.parent)));
  const out: StoryBranch[] = [];
  for (let i = 0; i < roots.length; i++) {
    const line: TurnEvent[] = [];
    for (let at: TurnEvent | undefined = roots[i]; at && !placed.has(at.id); at = kids.get(at.id)?.at(-1)) {
      placed.add(at.id);
      line.push(at);
      // The other children start branches of their own, after this one.
      for (const other of (kids.get(at.id) ?? []).slice(0, -1)) if (!placed.has(other.id)) roots.push(other);
    }
    if (line.length) out.push({ from: t.depth.get(line[0]!.id) ?? 1, pages: line.map(toPage) });
  }
  return out;
}

export function buildStorybook(header: Header, t: Timeline, o: StorybookOptions = {}): Storybook {
  const language = o.language ?? 'en';
  const toPage = (e: TurnEvent) => page(t, e, o.labels ?? {});
  return {
    title: o.title ?? header.pack.id,
    slot: header.slot,
    packId: header.pack.id,
    language,
    created: header.created,
    pages: (t.head === null ? [] : lineTo(t, t.head)).map(toPage),
    branches: o.allBranches ? branches(t, toPage) : [],
  };
}

/** Words of the storybook's frame, in the game's language. */
export interface StoryWords {
  turn: (n: number) => string;
  you: string;
  prompt: string;
  ending: Record<'win' | 'lose' | 'end', string>;
  branch: (n: number) => string;
  exported: string;
}

const EN: StoryWords = {
  turn: (n) => `Turn ${n}`,
  you: 'You',
  prompt: 'Image prompt',
  ending: { win: 'The end — a win', lose: 'The end — a loss', end: 'The end' },
  branch: (n) => `Another way from turn ${n}`,
  exported: 'A PromptQuest storybook',
};

const ZH: StoryWords = {
  turn: (n) => `第 ${n} 回合`,
  you: '你',
  prompt: '画面提示词',
  ending: { win: '结局：胜利', lose: '结局：失败', end: '结局' },
  branch: (n) => `从第 ${n} 回合起的另一条路`,
  exported: 'PromptQuest 故事书',
};

export const storyWords = (language: string): StoryWords => (language.toLowerCase().startsWith('zh') ? ZH : EN);

/** What the player said on a page, as a reader sees it: "1. Open the door", or the typed words. */
export function playerLine(p: StoryPage): string | null {
  if (p.typed === null) return null;
  return p.choice !== null ? `${p.choice.n}. ${p.choice.text}` : p.typed;
}

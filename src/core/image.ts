/**
 * Image prompts: English, unambiguous, with the pack's style. The scene's English prompt gets the
 * pack's style and parameters (for Midjourney and the images API alike); a model's prompt with
 * text in another script is repaired like any invalid field, and a pack's glossary tells the
 * model what its ambiguous words mean ("印章": a stone stamp seal, never the animal).
 */
import type { Manifest } from './pack.js';
import { keywordsIn } from './judge.js';

export function composeImagePrompt(manifest: Manifest, prompt: string | null): string | null {
  if (!prompt) return null;
  const { style, suffix } = manifest.image;
  const base = style && !prompt.includes(style) ? `${prompt.replace(/[.\s]+$/, '')}, ${style}` : prompt;
  return suffix && !base.includes(suffix) ? `${base} ${suffix}` : base;
}

/** Letters of any script but Latin (accented Latin — "café", "Ångström" — is fine). */
const NON_LATIN = /[\p{L}\p{M}]*[^\P{L}\p{Script=Latin}][\p{L}\p{M}]*/gu;

const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Han}/u, 'Chinese'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'Japanese'],
  [/\p{Script=Hangul}/u, 'Korean'],
  [/\p{Script=Cyrillic}/u, 'Cyrillic'],
  [/\p{Script=Greek}/u, 'Greek'],
  [/\p{Script=Arabic}/u, 'Arabic'],
];

/**
 * What is not English in an image prompt, in words a model can act on, or null when it is all
 * Latin script. Image models read English best, and a Chinese prompt is useless to Midjourney.
 */
export function imagePromptProblem(prompt: string | null): string | null {
  if (prompt === null) return null;
  const words = [...new Set(prompt.match(NON_LATIN) ?? [])];
  if (words.length === 0) return null;
  const script = SCRIPTS.find(([re]) => re.test(words.join('')))?.[1] ?? 'non-Latin';
  const shown = words.slice(0, 3).map((w) => JSON.stringify(w.slice(0, 20))).join(', ');
  return `image_prompt: must be in English only, but it has ${script} text (${shown}); translate it, naming each thing plainly`;
}

/** The glossary lines for the terms the scene mentions: what each means in a picture. */
export function glossaryFor(manifest: Manifest, context: string): string[] {
  const mentioned = keywordsIn(context);
  return Object.entries(manifest.image.glossary)
    // A Chinese term counts wherever it stands ("不是印章" still shows a seal); an English one as a word.
    .filter(([term]) => mentioned(term) || (/[^\x00-\x7f]/.test(term) && context.includes(term)))
    .map(([term, meaning]) => `- ${term}: ${meaning}`);
}

/** The picture file of turn `id` in slot `slot`: unique per slot and turn (a slot never ends in a dot). */
export const imageFileName = (slot: string, id: number): string => `${slot}.t${id}.png`;

/** A prompt for an images API: Midjourney's parameters ("--ar 16:9 --v 6") mean nothing there. */
export const apiImagePrompt = (prompt: string): string => prompt.replace(/(?:\s+--[a-z][\w-]*(?:\s+[^\s-][^\s]*)?)+\s*$/i, '').trim();

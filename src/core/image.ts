/** Image prompts for Midjourney: the scene's English prompt plus the pack's style and parameters. */
import type { Manifest } from './pack.js';

export function composeImagePrompt(manifest: Manifest, prompt: string | null): string | null {
  if (!prompt) return null;
  const { style, suffix } = manifest.image;
  const base = style && !prompt.includes(style) ? `${prompt.replace(/[.\s]+$/, '')}, ${style}` : prompt;
  return suffix && !base.includes(suffix) ? `${base} ${suffix}` : base;
}

/**
 * The version of the pack format, like a save's: a pack says which format it was written in,
 * so a pack for a newer PromptQuest is refused by its version instead of its new keys being
 * called typos. Bump PACK_FORMAT when a manifest or script key changes meaning or is added;
 * raise MIN_PACK_FORMAT only when an old format can no longer be read.
 */

/** The format this PromptQuest writes (`pack new`) and the one a manifest without `format` is read as. */
export const PACK_FORMAT = 1;
/** The oldest pack format this PromptQuest still reads. */
export const MIN_PACK_FORMAT = 1;

const readable = (): string => (MIN_PACK_FORMAT === PACK_FORMAT ? `pack format ${PACK_FORMAT}` : `pack formats ${MIN_PACK_FORMAT} to ${PACK_FORMAT}`);

/**
 * Why a raw manifest's `format` cannot be read by this PromptQuest, or null when it can (or is
 * absent). Checked before the rest of the manifest: what a newer format added is not a typo.
 */
export function packFormatProblem(manifest: unknown): string | null {
  if (typeof manifest !== 'object' || manifest === null || !('format' in manifest)) return null;
  const format = (manifest as { format: unknown }).format;
  if (typeof format !== 'number' || !Number.isSafeInteger(format) || format < 1) {
    return `expected a whole number from 1 (the pack format version; this version reads ${readable()})`;
  }
  if (format > PACK_FORMAT) return `written for a newer PromptQuest (pack format ${format}; this version reads ${readable()}); upgrade PromptQuest to use this pack`;
  if (format < MIN_PACK_FORMAT) return `written for an older PromptQuest (pack format ${format}; this version reads ${readable()}); update the pack (see docs/packs.md)`;
  return null;
}

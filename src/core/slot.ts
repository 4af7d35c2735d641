/** Slot names become file names, so they are checked before they get near the disk. */
import { UsageError } from './errors.js';

const SLOT = /^[\p{L}\p{N}][\p{L}\p{N}._ -]{0,63}$/u;

/** Why a slot name is refused, or null when it is fine. */
export function slotProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > 64) return 'it is longer than 64 characters';
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return 'it contains control characters';
  if (/[/\\]/.test(name)) return 'it contains a path separator';
  if (name.includes('..')) return 'it contains ".."';
  if (/[. ]$/.test(name)) return 'it ends with a dot or a space';
  if (!SLOT.test(name)) return 'use letters, digits, ".", "_", "-" or spaces, starting with a letter or digit';
  return null;
}

export function checkSlot(name: string): string {
  const problem = slotProblem(name);
  if (problem) throw new UsageError(`bad slot name ${JSON.stringify(name)}: ${problem}`);
  return name;
}

/** A fresh unique slot name: pack id, time, and a short suffix. */
export function newSlotName(packId: string, now: Date, suffix: string): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `${packId}-${stamp}-${suffix}`;
}

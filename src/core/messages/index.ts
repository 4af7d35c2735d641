/**
 * The engine's words in the interface language. Which language: an explicit choice
 * (`config set language`) first, because the player said so; then the pack's language,
 * because a game's interface should speak its story's language (a Chinese story with English
 * menus is what this fixes, and LANG is en_US on most servers and containers whatever the
 * player reads); then LANG/LC_ALL/LC_MESSAGES, for a pack in a language we have no catalogue
 * for (and commands outside a game); English last.
 */
import { en, type Messages } from './en.js';
import { zh } from './zh.js';

export type { Messages } from './en.js';
export type InterfaceLanguage = 'en' | 'zh';

const CATALOGUES: Record<InterfaceLanguage, Messages> = { en, zh };

/** "zh-CN", "zh_TW.UTF-8", "en" -> a catalogue we have; null for anything else. */
function knownLanguage(tag: string | null | undefined): InterfaceLanguage | null {
  const base = tag?.trim().toLowerCase().split(/[-_.@]/)[0];
  return base === 'zh' || base === 'en' ? base : null;
}

/** The locale the environment asks for, POSIX order: LC_ALL over LC_MESSAGES over LANG. */
const localeOf = (env: Record<string, string | undefined>): string | undefined => env.LC_ALL || env.LC_MESSAGES || env.LANG;

export function interfaceLanguage(o: { configured?: string | undefined; pack?: string | undefined; env?: Record<string, string | undefined> }): InterfaceLanguage {
  return knownLanguage(o.configured) ?? knownLanguage(o.pack) ?? knownLanguage(localeOf(o.env ?? {})) ?? 'en';
}

/** The catalogue for a language tag (a pack's "zh-CN", or an interface language); English otherwise. */
export function messages(language: string | null | undefined): Messages {
  return CATALOGUES[knownLanguage(language) ?? 'en'];
}

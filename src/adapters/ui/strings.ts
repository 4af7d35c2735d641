/** The few words the interface itself says (headings, outcomes, menus): the catalogue's `ui` part. */
import { messages, type Messages } from '../../core/messages/index.js';

export type UiStrings = Messages['ui'];

/** "zh-CN", "zh-TW", "zh" -> Chinese; anything else -> English. */
export function uiStrings(language: string | undefined): UiStrings {
  return messages(language).ui;
}

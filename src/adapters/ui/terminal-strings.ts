/**
 * The terminal's own words for the status line, the change line, the banner and the menus
 * after an ending or a failure: the catalogue's `terminal` part, in the interface language.
 */
import { messages, type Messages } from '../../core/messages/index.js';

export type TerminalStrings = Messages['terminal'];

/** "zh-CN", "zh" -> Chinese; anything else -> English (as uiStrings). */
export function terminalStrings(language: string | undefined): TerminalStrings {
  return messages(language).terminal;
}

/**
 * What a typed line is before it is a move: a choice by number or ordinal ("2", "选1",
 * "第二个", "（2）", "2号", "一"), a bare command word that lacks its slash ("quit",
 * "撤销"), a number that picks nothing ("9", "0", "-1"), or free text. Pure: the game
 * loop shows the hint and asks again, so none of these uses a turn or reaches a model.
 */
import { z } from 'zod';
import { messages } from './messages/index.js';

export const InputClass = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choice'), n: z.number().int().positive() }),
  z.object({ kind: z.literal('command'), name: z.string(), hint: z.string() }),
  z.object({ kind: z.literal('hint'), text: z.string() }),
  z.object({ kind: z.literal('free'), text: z.string() }),
]);
export type InputClass = z.infer<typeof InputClass>;

const COMMANDS: Record<string, string> = {
  quit: 'quit', exit: 'quit', help: 'help', undo: 'undo', redo: 'redo', retry: 'retry', save: 'save', state: 'state',
  image: 'image', memory: 'memory', usage: 'usage', alt: 'alt',
  退出: 'quit', 离开游戏: 'quit', 帮助: 'help', 撤销: 'undo', 撤回: 'undo', 悔棋: 'undo', 重做: 'redo', 重试: 'retry',
  保存: 'save', 存档: 'save', 状态: 'state', 图片: 'image',
};

const ZH_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 零: 0 };

// "选1", "选第一个", "第二个", "第2项", "（2）", "2号", "选项3", "一": the number inside, or null.
const ORDINAL = /^(?:我)?(?:选|选择|选项)?(?:第)?\s*([-+]?\d{1,3}|[零一二两三四五六七八九十])\s*(?:个|项|号|条|个选项|号选项)?$/u;
const BRACKETED = /^[(（[【]\s*([-+]?\d{1,3}|[零一二两三四五六七八九十])\s*[)）\]】]$/u;
const PLAIN = /^\s*([-+]?\d{1,3})\s*[.)、]?\s*$/u;

function numberIn(text: string): number | null {
  const m = PLAIN.exec(text) ?? BRACKETED.exec(text) ?? ORDINAL.exec(text);
  const raw = m?.[1];
  if (raw === undefined) return null;
  return ZH_DIGITS[raw] ?? Number(raw);
}

function rangeHint(n: number, count: number, language: string): string {
  const m = messages(language).input;
  return count > 0 ? m.noChoice(n, count) : m.noChoices;
}

const commandHint = (word: string, name: string, language: string): string => messages(language).input.command(word, name);

/** Classify one line typed in reply to `choices` (the numbered choices on screen). */
export function classifyInput(text: string, choices: readonly string[], language: string): InputClass {
  const line = text.normalize('NFKC').trim();
  const bare = line.toLowerCase().replace(/[\s.!?。！？]+$/u, '');
  const command = Object.hasOwn(COMMANDS, bare) ? COMMANDS[bare] : undefined;
  if (command) return { kind: 'command', name: command, hint: commandHint(bare, command, language) };
  const n = numberIn(line);
  if (n === null) return { kind: 'free', text };
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return { kind: 'choice', n };
  return { kind: 'hint', text: rangeHint(n, choices.length, language) };
}

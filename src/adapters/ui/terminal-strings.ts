/**
 * The terminal's own words for the status line, the change line, the banner and the
 * menus after an ending or a failure, in the pack's language (English or Chinese).
 */
import type { NarratorInfo, StateChangeView, StatusView } from '../../engine/ports.js';

export interface TerminalStrings {
  status: (v: StatusView) => string[];
  change: (c: StateChangeView) => string[];
  banner: (i: NarratorInfo) => string;
  continueStory: string;
  endedHint: string;
  retry: string;
  quit: string;
  yes: string;
  no: string;
  tooLong: (max: number) => string;
}

const num = (n: number, locale: string): string => n.toLocaleString(locale);
const stat = (s: StatusView['stats'][number]): string => `${s.label} ${s.value}${s.max !== null ? `/${s.max}` : ''}`;

const EN: TerminalStrings = {
  status: (v) => [
    v.title,
    ...(v.place ? [v.place] : []),
    `Turn ${v.turn}`,
    ...v.stats.map(stat),
    `${v.items} item${v.items === 1 ? '' : 's'}`,
    ...(v.tokens !== null ? [`${num(v.tokens, 'en')} tokens`] : []),
  ],
  change: (c) => [...c.stats.map((s) => `${s.label} ${s.from} → ${s.to}`), ...c.gained.map((i) => `+ ${i}`), ...c.lost.map((i) => `− ${i}`)],
  banner: (i) =>
    i.provider === 'offline'
      ? 'Offline: the authored script narrates (no model, no network).'
      : `Model ${i.model ?? '?'} on ${i.server ?? '?'}${i.window !== null ? ` · window ${num(i.window, 'en')} tokens` : ''}`,
  continueStory: 'Continue the story',
  endedHint: '↑↓ choose · Enter takes it · or type what you do next',
  retry: 'Try again',
  quit: 'Quit (the game is saved)',
  yes: 'Yes',
  no: 'No',
  tooLong: (max) => `Input is limited to ${num(max, 'en')} characters; the rest was not taken.`,
};

const ZH: TerminalStrings = {
  status: (v) => [
    v.title,
    ...(v.place ? [v.place] : []),
    `第 ${v.turn} 回合`,
    ...v.stats.map(stat),
    `物品 ${v.items}`,
    ...(v.tokens !== null ? [`${num(v.tokens, 'zh')} 词元`] : []),
  ],
  change: (c) => [...c.stats.map((s) => `${s.label} ${s.from} → ${s.to}`), ...c.gained.map((i) => `+ ${i}`), ...c.lost.map((i) => `− ${i}`)],
  banner: (i) =>
    i.provider === 'offline'
      ? '离线：由剧本讲述（不用模型，不联网）。'
      : `模型 ${i.model ?? '?'} · 服务器 ${i.server ?? '?'}${i.window !== null ? ` · 上下文 ${num(i.window, 'zh')} 词元` : ''}`,
  continueStory: '继续这个故事',
  endedHint: '↑↓ 选择 · 回车确认 · 也可以直接输入你接下来做什么',
  retry: '重试',
  quit: '退出（游戏已保存）',
  yes: '是',
  no: '否',
  tooLong: (max) => `输入最多 ${num(max, 'zh')} 个字符，多出的部分没有收下。`,
};

/** "zh-CN", "zh" -> Chinese; anything else -> English (as uiStrings). */
export function terminalStrings(language: string | undefined): TerminalStrings {
  return language?.toLowerCase().startsWith('zh') ? ZH : EN;
}

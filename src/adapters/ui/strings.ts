/** The few words the interface itself says, in the pack's language where we have them. */
export interface UiStrings {
  turn: (n: number) => string;
  outcome: { win: string; lose: string; end: string };
  whatDoYouDo: string;
  hint: string;
  ended: string;
  leave: string;
  undo: string;
  newGame: string;
}

const EN: UiStrings = {
  turn: (n) => `Turn ${n}`,
  outcome: { win: 'You won', lose: 'You lost', end: 'The end' },
  whatDoYouDo: 'What do you do?',
  hint: '↑↓ choose · Enter takes it · or type what you do (a number, anything, /help)',
  ended: 'The story has ended.',
  leave: 'Leave (the game is saved)',
  undo: 'Undo the last turn',
  newGame: 'Start a new game',
};

const ZH: UiStrings = {
  turn: (n) => `第 ${n} 回合`,
  outcome: { win: '胜利', lose: '失败', end: '结局' },
  whatDoYouDo: '你要怎么做？',
  hint: '↑↓ 选择 · 回车确认 · 也可以直接输入你想做的事（数字、任意文字、/help）',
  ended: '故事结束了。',
  leave: '离开（游戏已保存）',
  undo: '撤销上一回合',
  newGame: '开始新游戏',
};

/** "zh-CN", "zh-TW", "zh" -> Chinese; anything else -> English. */
export function uiStrings(language: string | undefined): UiStrings {
  return language?.toLowerCase().startsWith('zh') ? ZH : EN;
}

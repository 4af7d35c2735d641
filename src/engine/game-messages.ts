/**
 * The words the game loop says to the player, in one place, in English and Chinese (chosen
 * by the pack's language), and what it tells a model (English, like every engine directive).
 * The ui has its own words (src/adapters/ui/strings.ts, terminal-strings.ts).
 */
export interface GameMessages {
  cancelled: string;
  /** A refusal was already asked once more by the narrator: what works is other words, or the same again. */
  declined: (why: string) => string;
  failed: (problem: string) => string;
  notEnded: string;
  noEpilogue: string;
  epilogueTold: string;
  /** The input a continuation is saved with when the player typed nothing of their own. */
  continueInput: string;
  newGame: string;
}

const EN: GameMessages = {
  cancelled: 'Request cancelled; the turn was not played.',
  declined: (why) => `The narrator declined: ${why} (the turn was not played: say it another way, or type the same again to ask once more)`,
  failed: (problem) => `The turn could not be played: ${problem}. The game is saved up to the last turn.`,
  notEnded: 'The story has not ended yet: just type what you do.',
  noEpilogue: 'This pack has no epilogue to tell offline: the story ends here (/undo, /new or /quit). With a model, the story can go on.',
  epilogueTold: 'The epilogue has been told: the story ends here (/undo, /new or /quit).',
  continueInput: '(continue the story)',
  newGame: 'Leave this game (it stays saved) and start a new one?',
};

const ZH: GameMessages = {
  cancelled: '请求已取消，这一回合没有进行。',
  declined: (why) => `讲述者拒绝了：${why}（这一回合没有进行：换个说法，或者再输入一次同样的话重新请求）`,
  failed: (problem) => `这一回合没能进行：${problem}。游戏已保存到上一回合。`,
  notEnded: '故事还没有结束：直接输入你要做的事吧。',
  noEpilogue: '这个故事包没有可以离线讲述的尾声：故事到此结束（/undo、/new 或 /quit）。接上模型，故事就能继续。',
  epilogueTold: '尾声已经讲完：故事到此结束（/undo、/new 或 /quit）。',
  continueInput: '（继续这个故事）',
  newGame: '离开这局游戏（它会保存好）并开始新游戏？',
};

/** "zh-CN", "zh" -> Chinese; anything else -> English. */
export function gameMessages(language: string | undefined): GameMessages {
  return language?.toLowerCase().startsWith('zh') ? ZH : EN;
}

/** What the model is told when the player wants the story to go on past its ending. */
export const GO_ON = {
  rails: 'The story has reached its ending; the player asks for it to go on. Tell what happens after: an epilogue in the same voice.',
  free: 'The story reached an ending, and the player asks for it to go on: continue it (new choices, game_over null), or write an epilogue.',
} as const;

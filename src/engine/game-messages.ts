/**
 * The words the game loop says to the player, in one place (so they can be translated).
 * Engine text only: the ui has its own (src/adapters/ui/strings.ts, terminal-strings.ts).
 */
export const GAME_MESSAGES = {
  cancelled: 'Request cancelled; the turn was not played.',
  /** A refusal was already asked once more by the narrator: what works is other words, or the same again. */
  declined: (why: string) => `The narrator declined: ${why} (the turn was not played: say it another way, or type the same again to ask once more)`,
  failed: (problem: string) => `The turn could not be played: ${problem}. The game is saved up to the last turn.`,
  notEnded: 'The story has not ended yet: just type what you do.',
  noEpilogue: 'This pack has no epilogue to tell offline: the story ends here (/undo, /new or /quit). With a model, the story can go on.',
  epilogueTold: 'The epilogue has been told: the story ends here (/undo, /new or /quit).',
  /** What the model is asked when the player wants the story to go on past its ending. */
  goOn: 'The story has reached its ending; the player asks for it to go on. Tell what happens after: an epilogue in the same voice.',
  goOnFree: 'The story reached an ending, and the player asks for it to go on: continue it (new choices, game_over null), or write an epilogue.',
  /** The input a continuation is saved with when the player typed nothing of their own. */
  continueInput: '(continue the story)',
  newGame: 'Leave this game (it stays saved) and start a new one?',
} as const;

/**
 * What the engine tells a model when the player wants the story to go on past its ending
 * (English, like every engine directive). The player's words are in src/core/messages.
 */
/** What the model is told when the player wants the story to go on past its ending. */
export const GO_ON = {
  rails: 'The story has reached its ending; the player asks for it to go on. Tell what happens after: an epilogue in the same voice.',
  free: 'The story reached an ending, and the player asks for it to go on: continue it (new choices, game_over null), or write an epilogue.',
} as const;

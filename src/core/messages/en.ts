/**
 * Every word the engine itself says to a player, in English. The shape of this object is the
 * catalogue's type (`Messages`): zh.ts must have every key, so a new English line that is not
 * also written in Chinese is a compile error, not an English line in a Chinese game.
 * Pure data and small formatting functions; what a pack or a model wrote never comes from here.
 */
import type { TokenCounts, MemoryTotals, StateLines, Outcome, HelpCommand, BlockName, BlockAbout, Cut } from './types.js';
import type { NarratorInfo, StateChangeView, StatusView } from '../status.js';
import { changeText, statText } from './types.js';

const thousands = (n: number): string => n.toLocaleString('en-US');
const money = (cost: number | null): string => (cost === null ? '' : `, $${cost < 1 ? cost.toFixed(4) : cost.toFixed(2)}`);

export const en = {
  /** Digits as the tables and token counts show them. */
  number: thousands,

  ui: {
    turn: (n: number): string => `Turn ${n}`,
    outcome: { win: 'You won', lose: 'You lost', end: 'The end' } as Record<Outcome, string>,
    /** "★ You won: the valley breathes again" (the reason is the pack's). */
    ending: (outcome: string, reason: string): string => `★ ${outcome}: ${reason}`,
    whatDoYouDo: 'What do you do?',
    hint: '↑↓ choose · Enter takes it · or type what you do (a number, anything, /help)',
    /** Under the ending menu (inquirer's own "↑↓ navigate • ⏎ select" is replaced by this). */
    menuKeys: '↑↓ choose · Enter takes it',
    ended: 'The story has ended.',
    leave: 'Leave (the game is saved)',
    undo: 'Undo the last turn',
    newGame: 'Start a new game',
  },

  help: {
    intro: 'Type a choice number, or anything you want to do. Commands:',
    commands: {
      undo: 'take back the last turn (repeatable)',
      redo: 'play an undone turn again',
      retry: 'ask the narrator again for the same input (keeps the alternatives)',
      alt: 'list the alternatives of this turn, or switch to number N',
      state: 'show stats, inventory and flags',
      image: 'show the image prompt of this scene again (English) and copy it to the clipboard',
      memory: 'what the model is sent now, block by block, with token counts',
      usage: 'tokens used this turn and in the whole game (and the cost, with prices in config)',
      save: 'tell where the game is saved (every turn is saved as it happens)',
      transcript: 'on|off: write a plain-text transcript of the game as you play',
      help: 'this help',
      continue: 'after an ending: the story goes on (an epilogue, or what you type next)',
      new: 'leave this game (it stays saved) and start a new one of the same pack (asks first)',
      quit: 'save and leave (resume with: promptquest continue)',
    } as Record<HelpCommand, string>,
  },

  commands: {
    nothingToUndo: 'Nothing to undo: this is the opening.',
    nothingToRedo: 'Nothing to redo.',
    nothingToRetry: 'Nothing to retry: this is the opening.',
    retryOffline: 'Offline, the authored script tells every turn the same way, so there is nothing to retry; /undo lets you choose differently.',
    alternative: (n: number, of: number): string => `Alternative ${n} of ${of} (/alt to browse).`,
    alternatives: 'Alternatives of this turn:',
    noAlternative: (arg: string, count: number): string => `No alternative ${arg}: there are ${count}.`,
    state: (s: StateLines): string => `Stats: ${s.stats}\nInventory: ${s.inventory}\nFlags: ${s.flags}`,
    /** How a list is joined in running text. */
    listSeparator: ', ',
    none: '—',
    memoryOffline: 'Offline, the authored script tells the story: no model is sent anything.',
    usageOffline: 'Offline: no tokens are used.',
    usageNone: 'The server has not reported any token usage yet.',
    usage: (turn: string, game: string, reported: number): string =>
      `This turn: ${turn}\nThis game: ${game} over ${reported === 1 ? '1 turn' : `${reported} turns and summaries`}`,
    saved: (slot: string, where: string): string => `Saved as "${slot}" (${where}).`,
    noImage: 'No image prompt for this scene.',
    picture: (file: string): string => `Picture: ${file}`,
    copied: '(copied to the clipboard)',
    transcriptUnavailable: 'No transcript can be written in this game.',
    transcriptAlreadyOff: 'The transcript is already off.',
    transcriptOff: 'Transcript off.',
    transcriptAlreadyOn: 'The transcript is already on.',
    transcriptOn: (file: string): string => `Transcript on: ${file}`,
    transcriptUsage: (on: boolean): string => `The transcript is ${on ? 'on' : 'off'}: type /transcript on or /transcript off.`,
    transcriptFailed: (code: string): string => `The transcript could not be started (${code}); the game goes on.`,
    unknown: (name: string): string => `Unknown command "/${name}". Type /help for the list.`,
    /** "(your next input)": stands for the player's words in /memory. */
    nextInput: '(your next input)',
  },

  /** "12,345 prompt (8,000 cached) + 2,100 reply = 14,445 tokens, $0.0031" */
  tokens: (t: TokenCounts, cost: number | null): string => {
    const cached = t.cached ? ` (${thousands(t.cached)} cached)` : '';
    return `${thousands(t.prompt)} prompt${cached} + ${thousands(t.completion)} reply = ${thousands(t.prompt + t.completion)} tokens${money(cost)}`;
  },

  memory: {
    blocks: {
      system: 'system prompt', examples: 'examples', summary: 'summary', turns: 'recent turns', lore: 'lore', current: 'state + input',
    } as Record<BlockName, string>,
    source: (source: string): string => (source === 'default' ? 'assumed' : source === 'config' ? 'configured' : `from ${source}`),
    heading: (window: string, source: string): string => `What the model is sent now (tokens, estimated; the window is ${window}, ${source}):`,
    total: 'total',
    totals: (t: MemoryTotals): string => `of ${t.budget} for the prompt (${t.reply} kept for the reply, ${t.margin} margin)`,
    trimmed: (what: string): string => `Left out to fit: ${what}.`,
    nothingTrimmed: 'Nothing was left out.',
    about: (a: BlockAbout): string => {
      switch (a.block) {
        case 'system': return 'pack prompt and engine rules';
        case 'current': return 'state, directive, input';
        case 'examples': return `${a.kept} of ${a.of}`;
        case 'summary': return a.through === null ? 'none yet' : `turns 1–${a.through} (${a.detail ?? 'left out'})`;
        case 'turns': return `${a.kept} verbatim`;
        case 'lore': return a.ids.join(', ') || 'none triggered';
      }
    },
    cut: (c: Cut): string => {
      switch (c.cut) {
        case 'examples': return `${c.dropped} of ${c.of} few-shot examples`;
        case 'lore': return `lore "${c.id}"`;
        case 'turns': return `${c.n} oldest verbatim turn${c.n === 1 ? '' : 's'} (folded into the summary next)`;
        case 'summary-detail': return `summary detail (${c.detail === 'facts' ? 'prose' : 'prose and people, places, promises, threads'})`;
        case 'summary': return 'the whole summary';
      }
    },
    cutSeparator: '; ',
  },

  turn: {
    cancelled: 'Request cancelled; the turn was not played.',
    /** A refusal was already asked once more by the narrator: what works is other words, or the same again. */
    declined: (why: string): string => `The narrator declined: ${why} (the turn was not played: say it another way, or type the same again to ask once more)`,
    failed: (problem: string): string => `The turn could not be played: ${problem}. The game is saved up to the last turn.`,
    notEnded: 'The story has not ended yet: just type what you do.',
    noEpilogue: 'This pack has no epilogue to tell offline: the story ends here (/undo, /new or /quit). With a model, the story can go on.',
    epilogueTold: 'The epilogue has been told: the story ends here (/undo, /new or /quit).',
    /** The input a continuation is saved with when the player typed nothing of their own. */
    continueInput: '(continue the story)',
    newGame: 'Leave this game (it stays saved) and start a new one?',
  },

  input: {
    noChoice: (n: number, count: number): string => `There is no choice ${n}: type a number from 1 to ${count}, or say what you want to do.`,
    noChoices: 'There are no choices to pick from now.',
    command: (word: string, name: string): string => `"${word}" is a command: type /${name} (commands start with /; /help lists them).`,
  },

  verdict: {
    right: '✓ Correct',
    persuaded: '✓ Persuaded',
    notPersuaded: '✗ Not persuaded',
    giveUp: '✗ Not the answer — no tries left',
    wrong: '✗ Not the answer',
    wrongTries: (left: number): string => `✗ Not the answer — ${left} ${left === 1 ? 'try' : 'tries'} left`,
  },

  replay: {
    title: (slot: string, sample: boolean, pack: string, turns: number): string =>
      `Replay of "${slot}"${sample ? ' (a bundled sample)' : ''}: ${pack}, ${turns} turn${turns === 1 ? '' : 's'}`,
    anyKey: '(press any key to show the rest at once)',
    interrupted: 'Replay interrupted.',
    endSample: (command: string): string => `End of the replay. Play it yourself: ${command}`,
    endSave: (command: string): string => `End of the replay. Play on: ${command}`,
  },

  /** `saves list`, `saves show`, `saves delete`: the lines around the saves (their --json is not words). */
  saves: {
    none: (dir: string): string => `No saved games yet in ${dir}. Start one with: promptquest play`,
    heading: (dir: string): string => `Saved games in ${dir} (resume one with: promptquest continue <slot>):`,
    samples: 'Sample games, bundled and read-only (watch one with: promptquest replay <slot>):',
    columns: { slot: 'SLOT', pack: 'PACK', turns: 'TURNS', lastPlayed: 'LAST PLAYED', ending: 'ENDING' },
    damaged: (problem: string): string => `DAMAGED: ${problem}`,
    turnCount: (n: number): string => `${n} turn${n === 1 ? '' : 's'}`,
    rows: {
      slot: 'slot', file: 'file', pack: 'pack', narrator: 'narrator', created: 'created', lastPlayed: 'last played', forkedFrom: 'forked from',
      player: 'player', format: 'format', turns: 'turns', ending: 'ending', tokens: 'tokens', memory: 'memory',
    },
    label: (name: string): string => `${name}:`,
    sample: ' (bundled sample, read-only)',
    packFrom: (dir: string): string => ` from ${dir}`,
    offline: "offline (the pack's authored script)",
    model: (model: string, url: string | null): string => `openai-compatible, model ${model}${url ? ` at ${url}` : ''}`,
    forkedFrom: (slot: string, turn: number): string => `"${slot}" at turn ${turn}`,
    formatRead: (format: number, as: number): string => `${format} (read as ${as}; rewritten, with a .bak backup, at the next turn played)`,
    turnsValue: (n: number, off: number): string => `${n} on the main line${off ? `, ${off} more kept off it (undone, branches, retries)` : ''}`,
    notFinished: '— (not finished)',
    tokensOver: (line: string, n: number): string => `${line} over ${n} turns and summaries`,
    folds: (n: number): string => `${n} summary fold${n === 1 ? '' : 's'} of older turns`,
    mainLine: 'Main line:',
    turnTokens: (n: string): string => `${n} tokens`,
    describe: (pack: string, turns: number, outcome: string | null): string => `${pack}, ${turns} turn${turns === 1 ? '' : 's'}${outcome ? `, ${outcome}` : ''}`,
    damagedSave: 'damaged',
    confirmDelete: (slot: string, what: string): string => `Delete the saved game "${slot}" (${what})? This cannot be undone.`,
    kept: (slot: string): string => `Kept "${slot}".`,
    deleted: (slot: string, pictures: number): string =>
      `Deleted the saved game "${slot}"${pictures ? ` and ${pictures === 1 ? 'its picture' : `its ${pictures} pictures`}` : ''}.`,
  },

  session: {
    offline:
      'Playing offline with the authored script. To use a model: set OPENAI_API_KEY, or --base-url for a local server ' +
      '(Ollama http://localhost:11434/v1, llama.cpp, LM Studio, vLLM).',
    keyWithheld: (url: string): string => `The API key is withheld from ${url}, named in the save; pass --base-url ${url} (or set it in config) to trust it.`,
    noImagesServer: 'No images server to make pictures with: set OPENAI_API_KEY, play with a model, or: promptquest config set images_base_url <url>. Showing the image prompts instead.',
    picturesBy: (model: string, url: string, dir: string): string => `Pictures are made in the background by "${model}" at ${url} and saved in ${dir}.`,
    pictureReady: (n: number, path: string): string => `🖼  Picture for turn ${n}: ${path}`,
    pictureFailed: (n: number, why: string): string => `The picture for turn ${n} could not be made (${why}); the game goes on.`,
    interruptedBefore: 'Interrupted before the game began; nothing was saved.',
    waitingForPictures: (n: number): string => `Waiting for ${n === 1 ? 'a picture' : `${n} pictures`} still being made… (Ctrl-C leaves ${n === 1 ? 'it' : 'them'}; every turn is saved)`,
    transcriptStopped: (code: string): string => `The transcript stopped: it could not be written (${code}); the game goes on.`,
    cancelling: 'Cancelling the request… (Ctrl-C again to quit)',
    tokensThisGame: (line: string): string => `Tokens this game: ${line}.`,
    savedFinished: (slot: string, command: string): string => `Saved as "${slot}" (finished). Watch it again with: ${command}`,
    savedResume: (slot: string, command: string): string => `Saved as "${slot}". Resume with: ${command}`,
    interrupted: (command: string): string => `Interrupted. Every finished turn is saved; resume with: ${command}`,
    packChanged: (id: string): string => `Note: pack "${id}" has changed since this game was saved.`,
    forked: (source: string, turn: number, target: string): string => `Forked "${source}" at turn ${turn} into "${target}".`,
  },

  /** The terminal's own words: the status line, the change line, the banner, the menus after an ending or a failure. */
  terminal: {
    status: (v: StatusView): string[] => [
      v.title,
      ...(v.place ? [v.place] : []),
      `Turn ${v.turn}`,
      ...v.stats.map(statText),
      `${v.items} item${v.items === 1 ? '' : 's'}`,
      ...(v.tokens !== null ? [`${thousands(v.tokens)} tokens`] : []),
    ],
    change: (c: StateChangeView): string[] => changeText(c),
    banner: (i: NarratorInfo): string =>
      i.provider === 'offline'
        ? 'Offline: the authored script narrates (no model, no network).'
        : `Model ${i.model ?? '?'} on ${i.server ?? '?'}${i.window !== null ? ` · window ${thousands(i.window)} tokens` : ''}`,
    continueStory: 'Continue the story',
    endedHint: '↑↓ choose · Enter takes it · or type what you do next',
    retry: 'Try again',
    quit: 'Quit (the game is saved)',
    yes: 'Yes',
    no: 'No',
    tooLong: (max: number): string => `Input is limited to ${thousands(max)} characters; the rest was not taken.`,
  },

  /** Why a model request failed: a line and what to do about it (adapters build them from the error's data). */
  failures: {
    comeBack: 'the game is saved up to the last turn: promptquest continue',
    attempts: (n: number): string => `${n} attempts`,
    checkLocal: 'is it running? check --base-url (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1)',
    checkUrl: 'check --base-url (Ollama: http://localhost:11434/v1, llama.cpp: http://localhost:8080/v1)',
    stalled: (url: string, seconds: number, tries: number): string => `the model server at ${url} sent nothing for ${seconds} s (${tries === 1 ? '1 try' : `${tries} tries`})`,
    stalledHint: 'is it overloaded, or the model too big for this machine? raise the limit (promptquest config set timeout 300), then: promptquest continue',
    dropping: (url: string): string => `the connection to the model server at ${url} kept dropping mid-reply`,
    checkServer: (comeBack: string): string => `check the server; ${comeBack}`,
    unreachable: (url: string, attempts: string): string => `cannot reach the model server at ${url} (${attempts})`,
    unreachableRemote: 'check your network, or use --base-url for a local server',
    keyRefused: (url: string, status: number): string => `the server at ${url} refused the API key (HTTP ${status})`,
    keyHint: 'set OPENAI_API_KEY or: promptquest config set api_key ...',
    noModel: (url: string, model: string): string => `the server at ${url} has no model "${model}" (HTTP 404)`,
    noModelHint: 'choose one with --model, or check --base-url (it usually ends in /v1)',
    rateLimited: (url: string, wait: number | null, attempts: string): string =>
      `the server at ${url} is rate-limiting requests (HTTP 429) ${wait !== null ? `and asks to wait ${wait} s` : `even after ${attempts}`}`,
    waitHint: (comeBack: string): string => `wait a while; ${comeBack}`,
    midReply: (url: string, detail: string): string => `the model server at ${url} reported an error mid-reply: ${detail}`,
    midReplyHint: 'try again (promptquest continue), or another --model',
    http: (url: string, status: number, attempts: string | null, detail: string): string =>
      `the model server at ${url} answered HTTP ${status}${attempts ? ` after ${attempts}` : ''}: ${detail}`,
    httpHint: 'try again later (promptquest continue), or another --model or --base-url',
    failed: (url: string, detail: string): string => `the request to ${url} failed: ${detail}`,
    failedHint: 'check --base-url and try again',
    format: (model: string, tries: number, problem: string): string => `the model "${model}" did not answer in the expected format after ${tries} tries (last problem: ${problem})`,
    formatHint: 'try another --model or --base-url, then `promptquest continue` and make your move again (the game is saved up to the last turn)',
    tooLong: (url: string, window: string | null): string =>
      `the model server at ${url} still says the request is too long for its context window, even after rebuilding it to fit ${window ?? 'a smaller window'}`,
    tooMuch: (url: string, size: string, text: boolean): string =>
      `the model server at ${url} sent more than ${size}${text ? ' of text' : ''} for one reply, so it was stopped (does it stream without end?)`,
    tooMuchHint: (mb: number, comeBack: string): string => `check the server, or raise the limit (promptquest config set max_reply ${mb}); ${comeBack}`,
    deadline: (url: string, seconds: number): string => `the model server at ${url} was still sending its reply after ${seconds} s, so it was stopped (does it stream without end?)`,
    deadlineHint: (seconds: number, comeBack: string): string => `check the server, or allow more time (promptquest config set deadline ${seconds}); ${comeBack}`,
    redirect: (url: string, status: number, to: string | null): string => `the server at ${url} redirects (HTTP ${status})${to ? ` to ${to}` : ''}; redirects are not followed`,
    redirectHint: (to: string | null): string => (to ? `if that is the model server, use it: --base-url ${to}` : 'check --base-url (it usually ends in /v1)'),
    notHttp: (url: string, said: string): string => `${url} does not answer in HTTP${said ? ` (it said "${said}")` : ''}: is that the model server's port?`,
    plainHttp: (url: string): string => `the server at ${url} answers in plain HTTP, not HTTPS`,
    useUrl: (url: string): string => `use --base-url ${url}`,
    hungUp: (url: string, attempts: string): string => `the server at ${url} closed the connection without answering (${attempts})`,
    hungUpHint: (https: string | null): string => `is that the model server's port?${https ? ` If it is an HTTPS server: --base-url ${https}` : ''}`,
    tooLongHint: 'pass the real window with --context N (or: promptquest config set context N), then: promptquest continue',
  },

  /** What the narrator tells about the model server as a game starts: its window, the credentials it is sent. */
  window: {
    keyNotSent: (url: string): string => `The API key is not sent to ${url}: the user:password in its URL goes as the Authorization header instead.`,
    assumed: (tokens: number): string =>
      `The server does not say how large the model's context window is; assuming ${tokens} tokens (set it with --context N or: promptquest config set context N).`,
    ollama: (n: number, trained: number | null): string =>
      `Ollama runs this model with a ${n}-token window${trained ? ` (it can take ${trained})` : ''}; long games stay within it, but for more memory start Ollama with OLLAMA_CONTEXT_LENGTH=8192 (or more).`,
  },
};

export type Messages = typeof en;

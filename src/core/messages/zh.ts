/**
 * 简体中文: the same catalogue as en.ts, key for key (typed as `Messages`, so a missing or an
 * extra key does not compile). Full-width punctuation throughout: "★ 胜利：", not "胜利:".
 */
import type { Messages } from './en.js';
import type { SummaryDetail } from '../summary.js';
import { changeText, statText } from './types.js';

const thousands = (n: number): string => n.toLocaleString('en-US');
const money = (cost: number | null): string => (cost === null ? '' : `，$${cost < 1 ? cost.toFixed(4) : cost.toFixed(2)}`);

/** How much of the summary was sent. */
const SUMMARY_DETAIL: Record<SummaryDetail, string> = { full: '完整', facts: '只有要点', events: '只有事件' };

const SOURCES: Record<string, string> = {
  default: '假定值',
  config: '按配置',
  table: '按模型表',
  error: '从服务器的报错得知',
  cache: '上次记下的',
};

export const zh: Messages = {
  number: thousands,

  ui: {
    turn: (n) => `第 ${n} 回合`,
    outcome: { win: '胜利', lose: '失败', end: '结局' },
    ending: (outcome, reason) => `★ ${outcome}：${reason}`,
    whatDoYouDo: '你要怎么做？',
    hint: '↑↓ 选择 · 回车确认 · 也可以直接输入你想做的事（数字、任意文字、/help）',
    menuKeys: '↑↓ 选择 · 回车确认',
    ended: '故事结束了。',
    leave: '离开（游戏已保存）',
    undo: '撤销上一回合',
    newGame: '开始新游戏',
  },

  help: {
    intro: '输入选项编号，或者直接写你想做的事。指令：',
    commands: {
      undo: '撤销上一回合（可以连续撤销）',
      redo: '重新走一遍撤销掉的回合',
      retry: '让叙述者就同一句话重讲一遍（之前的版本都保留）',
      alt: '列出这一回合的各个版本，或者换到第 N 个',
      state: '查看属性、物品和标记',
      image: '再显示一次这个场景的图片提示词（英文），并复制到剪贴板',
      memory: '现在发给模型的内容，逐块列出词元数',
      usage: '这一回合和整局用掉的词元（在配置里写了价格还会算出费用）',
      save: '显示存档位置（每一回合都随时保存）',
      transcript: '开|关：边玩边把故事写成纯文本记录',
      help: '显示这份帮助',
      continue: '故事结束以后：让故事继续（先讲尾声；之后你输入的就是你要做的事）',
      new: '离开这一局（存档保留），用同一个故事包开始新的一局（会先问你）',
      quit: '保存并离开（以后继续：promptquest continue）',
    },
  },

  commands: {
    nothingToUndo: '没有可以撤销的：这是开场。',
    nothingToRedo: '没有可以重做的。',
    nothingToRetry: '没有可以重试的：这是开场。',
    retryOffline: '离线时剧本每次都讲得一样，重试不会有新内容；用 /undo 可以换个选择。',
    alternative: (n, of) => `第 ${n} 个版本，共 ${of} 个（用 /alt 查看）。`,
    alternatives: '这一回合的各个版本：',
    noAlternative: (arg, count) => `没有第 ${arg} 个版本：一共只有 ${count} 个。`,
    state: (s) => `属性：${s.stats}\n物品：${s.inventory}\n标记：${s.flags}`,
    listSeparator: '、',
    none: '无',
    memoryOffline: '离线时由写好的剧本讲故事：不会向任何模型发送内容。',
    usageOffline: '离线游玩：不消耗词元。',
    usageNone: '服务器还没有报告用掉的词元。',
    usage: (turn, game, reported) => `这一回合：${turn}\n整局：${game}（${reported === 1 ? '1 个回合' : `共 ${reported} 个回合和摘要`}）`,
    saved: (slot, where) => `已保存为“${slot}”（${where}）。`,
    noImage: '这个场景没有图片提示词。',
    picture: (file) => `图片：${file}`,
    copied: '（已复制到剪贴板）',
    transcriptUnavailable: '这一局不能写文字记录。',
    transcriptAlreadyOff: '文字记录本来就是关着的。',
    transcriptOff: '文字记录已关闭。',
    transcriptAlreadyOn: '文字记录本来就开着。',
    transcriptOn: (file) => `文字记录已开启：${file}`,
    transcriptUsage: (on) => `文字记录现在${on ? '开着' : '关着'}：输入 /transcript 开 或 /transcript 关。`,
    transcriptFailed: (code) => `文字记录没能开启（${code}），游戏继续。`,
    unknown: (name) => `没有“/${name}”这个指令。输入 /help 查看全部指令。`,
    nextInput: '（你的下一句输入）',
  },

  tokens: (t, cost) => {
    const cached = t.cached ? `（其中缓存 ${thousands(t.cached)}）` : '';
    return `提示 ${thousands(t.prompt)}${cached} + 回复 ${thousands(t.completion)} = ${thousands(t.prompt + t.completion)} 词元${money(cost)}`;
  },

  memory: {
    blocks: { system: '系统提示', examples: '示例', summary: '摘要', turns: '最近的回合', lore: '设定', current: '状态和输入' },
    source: (source) => SOURCES[source] ?? `由 ${source} 报告`,
    heading: (window, source) => `现在发给模型的内容（词元数为估算；上下文窗口 ${window}，${source}）：`,
    total: '合计',
    totals: (t) => `（提示最多 ${t.budget}，留给回复 ${t.reply}，余量 ${t.margin}）`,
    trimmed: (what) => `为了放得下而省去：${what}。`,
    nothingTrimmed: '没有省去任何内容。',
    about: (a) => {
      switch (a.block) {
        case 'system': return '故事包的提示和引擎规则';
        case 'current': return '状态、指令和输入';
        case 'examples': return `${a.kept}/${a.of} 条`;
        case 'summary': return a.through === null ? '还没有' : `第 1–${a.through} 回合（${a.detail ? SUMMARY_DETAIL[a.detail] : '省去了'}）`;
        case 'turns': return `原文 ${a.kept} 回合`;
        case 'lore': return a.ids.join('、') || '没有触发';
      }
    },
    cut: (c) => {
      switch (c.cut) {
        case 'examples': return `${c.dropped}/${c.of} 条示例`;
        case 'lore': return `设定“${c.id}”`;
        case 'turns': return `最早的 ${c.n} 个原文回合（下次并入摘要）`;
        case 'summary-detail': return `摘要的细节（${c.detail === 'facts' ? '叙述' : '叙述，以及人物、地点、约定和线索'}）`;
        case 'summary': return '整个摘要';
      }
    },
    cutSeparator: '；',
  },

  turn: {
    cancelled: '请求已取消，这一回合没有进行。',
    declined: (why) => `叙述者拒绝了：${why}（这一回合没有进行：换个说法，或者再输入一次同样的话重新请求）`,
    failed: (problem) => `这一回合没能进行：${problem}。游戏已保存到上一回合。`,
    notEnded: '故事还没有结束：直接输入你要做的事吧。',
    noEpilogue: '这个故事包没有可以离线讲述的尾声：故事到此结束（/undo、/new 或 /quit）。接上模型，故事就能继续。',
    epilogueTold: '尾声已经讲完：故事到此结束（/undo、/new 或 /quit）。',
    continueInput: '（继续这个故事）',
    newGame: '离开这局游戏（它会保存好）并开始新游戏？',
  },

  input: {
    noChoice: (n, count) => `没有第 ${n} 个选项：请输入 1 到 ${count} 之间的数字，或者直接写你想做的事。`,
    noChoices: '现在没有可选的选项。',
    command: (word, name) => `“${word}”是指令：请输入 /${name}（指令以 / 开头，/help 查看全部）。`,
  },

  verdict: {
    right: '✓ 正确',
    persuaded: '✓ 说服了',
    notPersuaded: '✗ 没有说服',
    giveUp: '✗ 不对——机会用完了',
    wrong: '✗ 不对',
    wrongTries: (left) => `✗ 不对——还剩 ${left} 次`,
  },

  replay: {
    title: (slot, sample, pack, turns) => `重看“${slot}”${sample ? '（自带的示例）' : ''}：${pack}，共 ${turns} 回合`,
    anyKey: '（按任意键直接显示剩下的部分）',
    interrupted: '重看中断了。',
    endSample: (command) => `重看完了。自己玩一局：${command}`,
    endSave: (command) => `重看完了。接着玩：${command}`,
  },

  saves: {
    none: (dir) => `${dir} 里还没有存档。开一局：promptquest play`,
    heading: (dir) => `${dir} 里的存档（接着玩：promptquest continue <存档名>）：`,
    samples: '自带的示例游戏，只读（重看：promptquest replay <存档名>）：',
    columns: { slot: '存档', pack: '故事包', turns: '回合', lastPlayed: '最后游玩', ending: '结局' },
    damaged: (problem) => `已损坏：${problem}`,
    turnCount: (n) => `${n} 回合`,
    rows: {
      slot: '存档', file: '文件', pack: '故事包', narrator: '叙述者', created: '创建于', lastPlayed: '最后游玩', forkedFrom: '分支自',
      player: '玩家', format: '格式', turns: '回合', ending: '结局', tokens: '词元', memory: '记忆',
    },
    label: (name) => `${name}：`,
    sample: '（自带的示例，只读）',
    packFrom: (dir) => `，来自 ${dir}`,
    offline: '离线（故事包里写好的剧本）',
    model: (model, url) => `OpenAI 兼容服务，模型 ${model}${url ? `，在 ${url}` : ''}`,
    forkedFrom: (slot, turn) => `“${slot}”的第 ${turn} 回合`,
    formatRead: (format, as) => `${format}（按 ${as} 读取；下一回合时改写，并留 .bak 备份）`,
    turnsValue: (n, off) => `主线 ${n} 回合${off ? `，另有 ${off} 回合留在主线之外（撤销、分支、重试）` : ''}`,
    notFinished: '—（尚未结束）',
    tokensOver: (line, n) => `${line}，共 ${n} 个回合和摘要`,
    folds: (n) => `较早的回合折叠成了 ${n} 段摘要`,
    mainLine: '主线：',
    turnTokens: (n) => `${n} 词元`,
    describe: (pack, turns, outcome) => `${pack}，${turns} 回合${outcome ? `，${outcome}` : ''}`,
    damagedSave: '已损坏',
    confirmDelete: (slot, what) => `删除存档“${slot}”（${what}）？删除后无法恢复。`,
    kept: (slot) => `保留了“${slot}”。`,
    deleted: (slot, pictures) => `删除了存档“${slot}”${pictures ? `和它的 ${pictures} 张图片` : ''}。`,
  },

  session: {
    offline:
      '离线游玩，由故事包里写好的剧本讲述。要接入模型：设置 OPENAI_API_KEY，或者用 --base-url 指向本地服务' +
      '（Ollama http://localhost:11434/v1、llama.cpp、LM Studio、vLLM）。',
    keyWithheld: (url) => `存档里写的服务器 ${url} 拿不到你的 API 密钥；信任它的话，请加上 --base-url ${url}（或写进配置）。`,
    noImagesServer: '没有可以生成图片的服务：设置 OPENAI_API_KEY、接入模型，或者：promptquest config set images_base_url <地址>。先显示图片提示词。',
    picturesBy: (model, url, dir) => `图片由“${model}”（${url}）在后台生成，保存在 ${dir}。`,
    pictureReady: (n, path) => `🖼  第 ${n} 回合的图片：${path}`,
    pictureFailed: (n, why) => `第 ${n} 回合的图片没能生成（${why}），游戏继续。`,
    interruptedBefore: '游戏开始前就中断了，什么都没有保存。',
    waitingForPictures: (n) => `还有 ${n} 张图片正在生成，稍等……（按 Ctrl-C 就不等了；每一回合都已保存）`,
    transcriptStopped: (code) => `文字记录停了：写不进去（${code}），游戏继续。`,
    cancelling: '正在取消请求……（再按一次 Ctrl-C 退出）',
    tokensThisGame: (line) => `这一局用掉：${line}。`,
    savedFinished: (slot, command) => `已保存为“${slot}”（已完结）。重看一遍：${command}`,
    savedResume: (slot, command) => `已保存为“${slot}”。以后继续：${command}`,
    interrupted: (command) => `已中断。每个走完的回合都已保存；继续游戏：${command}`,
    packChanged: (id) => `注意：这局存档之后，故事包“${id}”有了改动。`,
    forked: (source, turn, target) => `已从“${source}”的第 ${turn} 回合分出新存档“${target}”。`,
  },

  terminal: {
    status: (v) => [
      v.title,
      ...(v.place ? [v.place] : []),
      `第 ${v.turn} 回合`,
      ...v.stats.map(statText),
      `物品 ${v.items}`,
      ...(v.tokens !== null ? [`${thousands(v.tokens)} 词元`] : []),
    ],
    change: (c) => changeText(c),
    banner: (i) =>
      i.provider === 'offline'
        ? '离线：由剧本讲述（不用模型，不联网）。'
        : `模型 ${i.model ?? '?'} · 服务器 ${i.server ?? '?'}${i.window !== null ? ` · 上下文 ${thousands(i.window)} 词元` : ''}`,
    continueStory: '继续这个故事',
    endedHint: '↑↓ 选择 · 回车确认 · 也可以直接输入你接下来做什么',
    retry: '重试',
    quit: '退出（游戏已保存）',
    yes: '是',
    no: '否',
    tooLong: (max) => `输入最多 ${thousands(max)} 个字符，多出的部分没有收下。`,
  },

  failures: {
    comeBack: '游戏已保存到上一回合：promptquest continue',
    attempts: (n) => `试了 ${n} 次`,
    checkLocal: '它在运行吗？检查 --base-url（Ollama：http://localhost:11434/v1，llama.cpp：http://localhost:8080/v1）',
    checkUrl: '检查 --base-url（Ollama：http://localhost:11434/v1，llama.cpp：http://localhost:8080/v1）',
    stalled: (url, seconds, tries) => `模型服务 ${url} 已经 ${seconds} 秒没有发来任何内容（试了 ${tries} 次）`,
    stalledHint: '是服务太忙，还是模型对这台机器来说太大？把时限调高（promptquest config set timeout 300），然后：promptquest continue',
    dropping: (url) => `和模型服务 ${url} 的连接在回复途中一再断开`,
    checkServer: (comeBack) => `检查一下服务；${comeBack}`,
    unreachable: (url, attempts) => `连不上模型服务 ${url}（${attempts}）`,
    unreachableRemote: '检查网络，或者用 --base-url 指向本地服务',
    keyRefused: (url, status) => `服务 ${url} 拒绝了 API 密钥（HTTP ${status}）`,
    keyHint: '设置 OPENAI_API_KEY，或者：promptquest config set api_key ...',
    noModel: (url, model) => `服务 ${url} 上没有模型“${model}”（HTTP 404）`,
    noModelHint: '用 --model 选一个，或者检查 --base-url（通常以 /v1 结尾）',
    rateLimited: (url, wait, attempts) => `服务 ${url} 在限制请求频率（HTTP 429），${wait !== null ? `要求等 ${wait} 秒` : `${attempts}之后仍然如此`}`,
    waitHint: (comeBack) => `等一会儿；${comeBack}`,
    midReply: (url, detail) => `模型服务 ${url} 在回复途中报错：${detail}`,
    midReplyHint: '再试一次（promptquest continue），或者换一个 --model',
    http: (url, status, attempts, detail) => `模型服务 ${url} 回答 HTTP ${status}${attempts ? `（${attempts}）` : ''}：${detail}`,
    httpHint: '过一会儿再试（promptquest continue），或者换一个 --model 或 --base-url',
    failed: (url, detail) => `向 ${url} 的请求失败了：${detail}`,
    failedHint: '检查 --base-url，然后再试',
    format: (model, tries, problem) => `模型“${model}”试了 ${tries} 次都没有按要求的格式回答（最后的问题：${problem}）`,
    formatHint: '换一个 --model 或 --base-url，然后 `promptquest continue` 再走一次这一步（游戏已保存到上一回合）',
    tooLong: (url, window) => `即使把请求缩到 ${window ?? '更小的窗口'} 以内，模型服务 ${url} 仍然说它超出了上下文窗口`,
    tooMuch: (url, size, text) => `模型服务 ${url} 一个回复就发来了超过 ${size}${text ? '的文字' : ''}，已经停下（它是不是在无休止地发送？）`,
    tooMuchHint: (mb, comeBack) => `检查一下服务，或者调高上限（promptquest config set max_reply ${mb}）；${comeBack}`,
    deadline: (url, seconds) => `模型服务 ${url} 过了 ${seconds} 秒还在发送回复，已经停下（它是不是在无休止地发送？）`,
    deadlineHint: (seconds, comeBack) => `检查一下服务，或者多给些时间（promptquest config set deadline ${seconds}）；${comeBack}`,
    redirect: (url, status, to) => `服务 ${url} 把请求转到了别处（HTTP ${status}）${to ? `：${to}` : ''}；转向不会被跟随`,
    redirectHint: (to) => (to ? `如果那才是模型服务，就用它：--base-url ${to}` : '检查 --base-url（通常以 /v1 结尾）'),
    notHttp: (url, said) => `${url} 说的不是 HTTP${said ? `（它说的是“${said}”）` : ''}：这是模型服务的端口吗？`,
    plainHttp: (url) => `服务 ${url} 用的是普通 HTTP，不是 HTTPS`,
    useUrl: (url) => `改用 --base-url ${url}`,
    hungUp: (url, attempts) => `服务 ${url} 什么也没回答就断开了连接（${attempts}）`,
    hungUpHint: (https) => `这是模型服务的端口吗？${https ? `如果它是 HTTPS 服务：--base-url ${https}` : ''}`,
    tooLongHint: '用 --context N 告诉它真实的窗口（或者：promptquest config set context N），然后：promptquest continue',
  },

  window: {
    keyNotSent: (url) => `API 密钥不会发给 ${url}：它网址里的 user:password 会作为 Authorization 请求头发送。`,
    assumed: (tokens) =>
      `服务器没有说明模型的上下文窗口有多大；按 ${tokens} 个词元处理（可以用 --context N 或 promptquest config set context N 设定）。`,
    ollama: (n, trained) =>
      `Ollama 以 ${n} 个词元的窗口运行这个模型${trained ? `（它最多能用 ${trained}）` : ''}；长的游戏也能放得下，想让它记得更多，请用 OLLAMA_CONTEXT_LENGTH=8192（或更大）启动 Ollama。`,
  },
};

/**
 * The model narrator: any OpenAI-compatible chat-completions server through the
 * official SDK. Every reply is validated with zod even when the server claims to
 * enforce the schema; bad replies are repaired or re-asked, all within a bounded
 * number of calls per turn. Network trouble is retried by the SDK (status codes,
 * Retry-After) and here (a stream that dies or stalls halfway is asked again from
 * scratch); whatever still fails becomes one RuntimeFailure line.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ChatMessage } from '../core/prompt.js';
import { extractReply } from '../core/extract.js';
import { imagePromptProblem } from '../core/image.js';
import { mapStrings, sanitizeText } from '../core/sanitize.js';
import { RuntimeFailure } from '../core/errors.js';
import { Usage } from '../core/journal.js';
import { sumUsage } from '../core/usage.js';
import type { MemoryView, NarrateOptions, Narration, NarrationRequest, Narrator, NarratorInfo } from '../engine/ports.js';
import type { CapabilityCache } from './config.js';
import { parseContextOverflow } from '../core/context-window.js';
import { estimateTokens, messagesTokens } from '../core/tokens.js';
import { OPENAI_BASE_URL, recordableBaseURL, shownURL } from '../core/settings.js';
import { schemaHint } from '../core/request.js';
import { ContextKeeper, type ContextCache } from './context-keeper.js';
import { MemoryPlanner } from './memory-planner.js';
import { foldWithModel } from './model-summary.js';
import { classifyWithModel } from './model-classifier.js';
import { freeRiddles, poseRiddleField } from '../core/free-riddle.js';
import { contradiction, verdictDirective, type VerdictOutcome } from '../core/verdict.js';
import { classifyQuestion, type ClassifyReply, type ClassifyRequest } from '../core/classify.js';
import { WindowProbe } from './window-probe.js';
import { LiveText } from './request-watch.js';
import { streamChat, type Streamed } from './chat-stream.js';
import { chatRequest, LADDER, type Capability } from '../core/request.js';
import { schemaFlavour } from '../core/json-schema.js';
import { DEFAULT_DEADLINE_S, DEFAULT_MAX_REPLY_MB, WIRE_BYTES_PER_TEXT_BYTE } from '../core/config-keys.js';
import { liveMasker, secretMasker } from '../core/secrets.js';
import { openAIClient } from './openai-client.js';
import { en, type Messages } from '../core/messages/en.js';
import {
  capRetryAfter, describeApiError, isFormatRejection, MAX_RETRY_AFTER_S, SDK_RETRIES, Stalled, StreamBroken,
} from './openai-errors.js';
import { guardReplies } from './reply-guard.js';
import { describeOddAnswer } from './server-trouble.js';

export interface OpenAINarratorOptions {
  model: string;
  baseURL: string | null;
  apiKey: string | null;
  /** Silence (no headers, no tokens) after which a request counts as stalled. */
  timeoutMs: number;
  /** The longest one request may take in all, however busily the server sends (config `deadline`). */
  deadlineMs?: number;
  /** MB of reply text one request may bring (config `max_reply`); the bytes on the wire may be a multiple. */
  maxReplyMB?: number;
  /** Passed to servers that support repeatable sampling. */
  seed?: number | null;
  cache: CapabilityCache;
  /** Context windows and token calibration learned per server+model. */
  contextCache: ContextCache;
  /** --context / config `context`: the window in tokens, outranking what the server says. */
  contextOverride?: number | null;
  /** Said to the player once (e.g. how to give Ollama a larger window). */
  notice?: (line: string) => void;
  /** The notices' words, in the interface language (default English). */
  words?: Messages['window'];
  /** Why a request failed, in the interface language (default English). */
  failures?: Messages['failures'];
  /** Verbose mode: each call, raw reply and repair step. Lines are already terminal-safe. */
  log?: (line: string) => void;
  /** Model calls allowed per turn, repairs and retries included. */
  maxCalls?: number;
  fetch?: typeof fetch;
}

const MAX_TOKENS_CEILING = 8192;
/** A stalled request is asked again once; the second stall ends the turn. */
const MAX_STALLS = 1;
/** The "last problem" in the failure line: enough to act on, short enough for one line. */
const PROBLEM_CHARS = 160;

/** What one turn's calls have learnt so far: the next call is shaped by it. */
interface Attempts {
  cap: Capability;
  maxTokens: number;
  /** A cut-off reply was asked again with a larger limit. */
  grown: boolean;
  /** The first call's max_tokens: the schema's bounds stay fitted to it. */
  boundsTokens: number;
  /** Overflow errors this turn: one rebuild is allowed. */
  overflows: number;
  /** Token usage of every call this turn, added up. */
  usage: Usage | null;
  /** The last request sent, for learning from its usage or its overflow. */
  sent: { estimate: number; tokens: number } | null;
  /** The invalid reply and the request to correct it, sent after the messages. */
  repair: ChatMessage[];
  refusals: number;
  stalls: number;
  /** Narration that contradicted the engine's verdict was asked for again (once). */
  verdictAsked: boolean;
  /** An image prompt that was not English was asked for again (once). */
  imageAsked: boolean;
  /** For the failure line, when every call is spent. */
  lastProblem: string;
}

/** Of a raw reply, the log shows this much: enough to see what went wrong, not megabytes. */
const LOGGED_CHARS = 20_000;

/** Raw model text for the log: escapes visible (JSON), nothing a terminal would act on. */
function visible(text: string): string {
  const cut = text.length > LOGGED_CHARS ? text.slice(0, LOGGED_CHARS) : text;
  return `${sanitizeText(JSON.stringify(cut))}${cut.length < text.length ? ` … (${text.length - cut.length} more characters)` : ''}`;
}

/** The capability and context caches' key: server and model, the server as it may be written down. */
export const capabilityKey = (baseURL: string, model: string): string => `${recordableBaseURL(baseURL) ?? shownURL(baseURL)}|${model}`;

const shorten = (text: string): string => (text.length > PROBLEM_CHARS ? `${text.slice(0, PROBLEM_CHARS - 1)}…` : text);

export class OpenAINarrator implements Narrator {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly cacheKey: string;
  private readonly baseURL: string;
  readonly remembers = true;
  private readonly keeper: ContextKeeper;
  private readonly memory: MemoryPlanner;
  /** Tokens of intent calls, added to the next turn's usage (a reading belongs to the turn it shapes). */
  private unbilled: Usage | null = null;
  /** Read from the config once: conf re-reads the file on every get. */
  private capability: Capability | undefined;
  /** Hides the key, the password and any token in text from or about the server. */
  private readonly mask: (text: string) => string;
  private readonly secrets: string[];
  private readonly limits: { deadlineS: number; maxReplyMB: number };

  constructor(private readonly o: OpenAINarratorOptions) {
    this.model = o.model;
    this.baseURL = o.baseURL ?? OPENAI_BASE_URL;
    const fetchImpl: typeof fetch = (input, init) => (o.fetch ?? fetch)(input, init);
    this.limits = { deadlineS: (o.deadlineMs ?? DEFAULT_DEADLINE_S * 1000) / 1000, maxReplyMB: o.maxReplyMB ?? DEFAULT_MAX_REPLY_MB };
    const wireBytes = Math.round(this.limits.maxReplyMB * 1_000_000 * WIRE_BYTES_PER_TEXT_BYTE);
    const { client, address } = openAIClient({
      baseURL: o.baseURL ?? null,
      apiKey: o.apiKey,
      // The watchdog ends a silent request first; this is only a backstop.
      timeoutMs: o.timeoutMs + 5_000,
      maxRetries: SDK_RETRIES,
      fetch: capRetryAfter(guardReplies(fetchImpl, wireBytes), MAX_RETRY_AFTER_S),
    });
    this.client = client;
    this.secrets = [...(o.apiKey ? [o.apiKey] : []), ...address.secrets];
    this.mask = secretMasker(this.secrets);
    if (address.keyNotSent) {
      this.notice((o.words ?? en.window).keyNotSent(shownURL(this.baseURL)));
    }
    // Keys never hold credentials: the config file is not a place for secrets.
    this.cacheKey = capabilityKey(this.baseURL, o.model);
    this.capability = o.cache.get(this.cacheKey);
    const openAIHost = schemaFlavour(this.baseURL) === 'strict';
    const headers: Record<string, string> = address.authorization ? { authorization: address.authorization } : {};
    this.keeper = new ContextKeeper({
      key: this.cacheKey,
      model: o.model,
      openAIHost,
      override: o.contextOverride ?? null,
      cache: o.contextCache,
      probe: openAIHost ? null : new WindowProbe(address.url, o.model, headers, fetchImpl, o.words),
      notice: (line) => this.notice(line),
      log: (line) => this.log(line),
      ...(o.words ? { words: o.words } : {}),
    });
    this.memory = new MemoryPlanner(this.keeper, async (f, promptBudget, count, signal) => {
      const folded = await foldWithModel(f, {
        client: this.client, model: this.model, baseURL: o.baseURL, capability: this.capability ?? 'json_schema',
        promptBudget, count, timeoutMs: o.timeoutMs, signal, log: (l) => this.log(l),
      });
      // The model's summary is saved: a server echoing the key into it must not put it on disk.
      return { ...folded, summary: mapStrings(folded.summary, this.mask) };
    });
  }

  /** A line for --verbose, masked; given as a function where making it costs (a raw reply), it is made only then. */
  private log(line: string | (() => string)): void {
    if (!this.o.log) return;
    this.o.log(sanitizeText(this.mask(typeof line === 'string' ? line : line())));
  }

  private notice(line: string): void {
    this.o.notice?.(this.mask(line));
  }

  /**
   * Any failure leaving the narrator, with no credential in its line, hint or stack (server text
   * may echo them). Masked in place, so its class (and what the engine decides by it) is kept.
   */
  private masked(err: unknown): unknown {
    if (!(err instanceof Error)) return err;
    err.message = this.mask(err.message);
    if (err.stack) err.stack = this.mask(err.stack);
    if (err instanceof RuntimeFailure && err.hint) Object.defineProperty(err, 'hint', { value: this.mask(err.hint) });
    return err;
  }

  /** The line for a failed request: an odd answer (redirect, not HTTP, endless) or an API error. */
  private failure(err: unknown): RuntimeFailure {
    const w = this.o.failures;
    return describeOddAnswer(err, this.baseURL, this.limits, w) ?? describeApiError(err, { baseURL: this.baseURL, model: this.model, ...(w ? { words: w } : {}) });
  }

  async preflight(request: NarrationRequest): Promise<void> {
    try {
      await this.memory.plan(request, this.want(request, null));
    } catch (err) {
      throw this.masked(err);
    }
  }

  async classify(r: ClassifyRequest, signal?: AbortSignal, story?: NarrationRequest): Promise<ClassifyReply | null> {
    const prefix = story ? await this.storyPrefix(story, r) : undefined;
    const reply = await classifyWithModel(r, {
      prefix,
      client: this.client, model: this.model, baseURL: this.o.baseURL, capability: this.capability ?? 'json_schema',
      steppedDown: (to) => {
        this.capability = to;
        this.o.cache.set(this.cacheKey, to);
      },
      timeoutMs: this.o.timeoutMs, signal, log: (l) => this.log(l),
      spent: (u) => (this.unbilled = sumUsage(this.unbilled, u)),
    });
    if (reply) this.log(`intent reading: ${JSON.stringify(reply)}`);
    return reply;
  }

  /** For the banner: the server without credentials, and the window as learned (asked of the server once). */
  async describe(): Promise<NarratorInfo> {
    return { provider: 'openai', model: this.model, server: shownURL(this.baseURL), window: (await this.keeper.window()).tokens };
  }

  async describeMemory(request: NarrationRequest): Promise<MemoryView> {
    try {
      return (await this.memory.plan(request, this.want(request, null))).view;
    } catch (err) {
      throw this.masked(err);
    }
  }

  /** What one call asks of the planner: its reply budget and what is sent besides the messages. */
  private want(request: NarrationRequest, turn: Attempts | null) {
    const cap = turn?.cap ?? this.capability ?? 'json_schema';
    const maxTokens = turn?.maxTokens ?? request.pack.manifest.model.max_tokens ?? 1024;
    const count = this.keeper.counter();
    const schema = cap === 'json_schema' ? 0 : count(schemaHint(turn?.boundsTokens ?? maxTokens));
    const repair = turn?.repair.length ? messagesTokens(turn.repair, count) : 0;
    return { maxTokens, grown: turn?.grown ?? false, extraTokens: schema + repair };
  }

  private body(messages: ChatMessage[], capability: Capability, maxTokens: number, boundsTokens: number, request: NarrationRequest): ChatCompletionCreateParamsStreaming {
    return chatRequest({
      model: this.model,
      baseURL: this.o.baseURL,
      messages,
      capability,
      maxTokens,
      boundsTokens,
      temperature: request.pack.manifest.model.temperature,
      seed: this.o.seed,
      verdict: request.rails?.verdict,
      extraFields: request.rails ? null : (() => { const f = poseRiddleField(freeRiddles(request.pack)); return f ? { pose_riddle: f } : null; })(),
    });
  }

  async narrate(request: NarrationRequest, options: NarrateOptions = {}): Promise<Narration> {
    const live = new LiveText(options);
    try {
      return await this.attempts(request, options, live);
    } catch (err) {
      live.void(); // a failed or cancelled turn leaves no half-told narration behind
      throw this.masked(err);
    }
  }

  private async attempts(request: NarrationRequest, options: NarrateOptions, live: LiveText): Promise<Narration> {
    const maxCalls = this.o.maxCalls ?? 4;
    const turn: Attempts = {
      cap: this.capability ?? 'json_schema',
      maxTokens: request.pack.manifest.model.max_tokens ?? 1024,
      grown: false,
      boundsTokens: 0,
      overflows: 0,
      // The intent call that shaped this turn is paid for with it.
      usage: this.takeUnbilled(),
      sent: null,
      repair: [],
      refusals: 0,
      stalls: 0,
      verdictAsked: false,
      imageAsked: false,
      lastProblem: '',
    };
    // Older turns are folded first, so the request below holds the whole story, in summary or verbatim.
    let req = await this.memory.fold(request, false, options);
    for (let calls = 1; calls <= maxCalls + turn.overflows; calls++) {
      options.signal?.throwIfAborted();
      live.void();
      const last = calls === maxCalls + turn.overflows;
      // Fitted on every call: a larger reply budget, a repair or a learnt window may leave less room.
      const fitted = await this.memory.fitted(req, this.want(req, turn), options);
      req = fitted.request;
      const { planned } = fitted;
      turn.boundsTokens ||= planned.maxTokens;
      turn.maxTokens = planned.maxTokens;
      if (planned.report.trimmed.length) this.log(`to fit the window, left out: ${planned.report.trimmed.join('; ')}`);
      this.log(`call ${calls}/${maxCalls}: response_format ${turn.cap}, max_tokens ${turn.maxTokens}, prompt ~${planned.report.tokens} of ${planned.view.window.tokens} tokens`);
      const body = this.body([...planned.messages, ...turn.repair], turn.cap, turn.maxTokens, turn.boundsTokens, request);
      turn.sent = { estimate: messagesTokens(body.messages as ChatMessage[], estimateTokens), tokens: planned.report.tokens };
      let got: Streamed;
      try {
        const onText = live.onText && liveMasker(this.secrets, live.onText);
        got = this.maskedReply(await streamChat(this.client, body, this.streamLimits(), options.signal, onText));
      } catch (err) {
        if (options.signal?.aborted) throw err;
        this.afterFailedCall(err, turn, last);
        continue;
      }
      this.learnUsage(got, turn);
      const done = this.afterReply(got, turn, last, calls, request.rails?.verdict ?? request.freeVerdict);
      if (done) {
        if (done.kind === 'refusal') live.void();
        return done;
      }
    }
    const w = this.o.failures ?? en.failures;
    throw new RuntimeFailure(w.format(this.model, maxCalls, shorten(turn.lastProblem)), w.formatHint);
  }

  /** The story as the next turn will send it, without its last message; none when it cannot be built. */
  private async storyPrefix(story: NarrationRequest, r: ClassifyRequest): Promise<ChatMessage[] | undefined> {
    try {
      const count = this.keeper.counter();
      const want = { maxTokens: story.pack.manifest.model.max_tokens ?? 1024, grown: false, extraTokens: count(classifyQuestion(r).content) };
      return (await this.memory.plan(story, want)).messages.slice(0, -1);
    } catch {
      return undefined; // a window too small for the story: the question goes alone
    }
  }

  private streamLimits() {
    return { silenceMs: this.o.timeoutMs, deadlineMs: this.limits.deadlineS * 1000, maxTextChars: Math.round(this.limits.maxReplyMB * 1_000_000) };
  }

  /** A hostile server could echo the key into the reply itself, which is shown and saved. */
  private maskedReply(got: Streamed): Streamed {
    return { ...got, content: this.mask(got.content), refusal: this.mask(got.refusal) };
  }

  private takeUnbilled(): Usage | null {
    const u = this.unbilled;
    this.unbilled = null;
    return u;
  }

  /** Every call's tokens count towards the turn; the prompt count calibrates the estimate. */
  private learnUsage(got: Streamed, turn: Attempts): void {
    const u = got.usage;
    if (!u) return;
    if (turn.sent && u.prompt_tokens > 0) this.keeper.learnCount(turn.sent.estimate, u.prompt_tokens);
    turn.usage = sumUsage(turn.usage, u);
  }

  /** A call that failed: step down the format ladder, or ask again after a drop or a stall, or give up. */
  private afterFailedCall(err: unknown, turn: Attempts, last: boolean): void {
    const overflow = err instanceof OpenAI.APIError ? parseContextOverflow({ status: err.status, code: err.code, type: err.type, message: err.message, body: err.error }) : null;
    if (overflow) {
      // Never a format problem: learn the real window (or prompt size) and rebuild smaller, once.
      this.keeper.learnOverflow(overflow, turn.sent?.estimate ?? 0, turn.sent?.tokens ?? 0);
      if (turn.overflows++ === 0) return;
      const w = this.o.failures ?? en.failures;
      throw new RuntimeFailure(w.tooLong(shownURL(this.baseURL), overflow.window === null ? null : String(overflow.window)), w.tooLongHint);
    }
    const next = LADDER[LADDER.indexOf(turn.cap) + 1];
    if (next && isFormatRejection(err)) {
      this.log(`server rejected response_format ${turn.cap}; stepping down to ${next}`);
      turn.cap = next;
      this.capability = next;
      this.o.cache.set(this.cacheKey, next);
      return;
    }
    if (err instanceof Stalled) err.tries = ++turn.stalls;
    const again = err instanceof StreamBroken || (err instanceof Stalled && turn.stalls <= MAX_STALLS);
    if (!again || last) throw this.failure(err);
    turn.lastProblem = (err as Error).message;
    this.log(`${turn.lastProblem}; asking again from scratch`);
  }

  /** A reply that arrived: the narration, a refusal to show, or null to ask again (adjusted). */
  private afterReply(got: Streamed, turn: Attempts, last: boolean, calls: number, verdict: VerdictOutcome | undefined): Narration | null {
    if (got.refusal) {
      this.log(() => `refusal: ${visible(got.refusal)}`);
      if (++turn.refusals > 1 || last) return { kind: 'refusal', text: got.refusal, calls };
      turn.lastProblem = 'the model refused';
      return null;
    }
    this.log(() => `raw reply (${got.finish ?? 'no finish reason'}): ${visible(got.content)}`);
    if (got.finish === 'length' && !last) {
      turn.maxTokens = Math.min(turn.maxTokens * 2, MAX_TOKENS_CEILING);
      turn.grown = true;
      turn.lastProblem = 'the reply was cut off at the token limit';
      this.log(`${turn.lastProblem}; retrying with max_tokens ${turn.maxTokens}`);
      return null;
    }
    const result = extractReply(got.content);
    if (result.repairs.length) this.log(`repairs: ${result.repairs.join('; ')}`);
    const problem = result.ok && verdict ? contradiction(result.value.narration, verdict) : null;
    if (problem && !turn.verdictAsked && !last) {
      // Asked once: the verdict line tells the player the truth whatever the narration says.
      turn.verdictAsked = true;
      this.log(`the reply contradicts the engine's verdict (${problem}); asking again`);
      turn.repair = [
        { role: 'assistant', content: got.content.slice(0, 4000) },
        { role: 'user', content: `That reply contradicts the engine: ${problem}. ${verdictDirective(verdict ?? 'wrong')} Reply again with only the corrected JSON object.` },
      ];
      return null;
    }
    if (problem) this.log(`the reply still contradicts the engine's verdict (${problem}); kept, the verdict line says the truth`);
    const imageProblem = result.ok ? imagePromptProblem(result.value.image_prompt) : null;
    if (imageProblem && !turn.imageAsked && !last) {
      // Asked once, like any invalid field; a second miss is never shown: the engine drops it (turn.ts).
      turn.imageAsked = true;
      this.log(`invalid reply: ${imageProblem}; asking the model to repair it`);
      turn.repair = [
        { role: 'assistant', content: got.content.slice(0, 4000) },
        { role: 'user', content: `That reply was not valid: ${imageProblem}. Reply again with only the corrected JSON object.` },
      ];
      return null;
    }
    if (imageProblem) this.log(`the image prompt is still not English (${imageProblem}); the engine leaves it out`);
    if (result.ok) return { kind: 'reply', reply: result.value, raw: got.content, usage: turn.usage, calls };
    turn.lastProblem = result.error;
    this.log(`invalid reply: ${result.error}; asking the model to repair it`);
    turn.repair = [
      { role: 'assistant', content: got.content.slice(0, 4000) },
      { role: 'user', content: `That reply was not valid: ${result.error}. Reply again with only the corrected JSON object.` },
    ];
    return null;
  }
}

/**
 * One turn: input -> (script resolution) -> narrator -> validate -> apply -> journal event.
 * The engine keeps the rules: with a script the script decides what happens and
 * the narrator only tells it; without one, the model's proposals are checked.
 */
import type { Pack, Scene, Script } from '../core/pack.js';
import type { Rails } from '../core/prompt.js';
import { renderTemplate } from '../core/template.js';
import { composeImagePrompt, imagePromptProblem } from '../core/image.js';
import { applyProposal } from '../core/reducer.js';
import { NO_CHANGES, type Turn } from '../core/reply.js';
import { choiceNumber } from '../core/judge.js';
import { currentScene, resolveInput, sceneEnding, sceneText, scriptAnswers, visibleChoices, wantsReading, type ScriptOutcome } from '../core/script.js';
import type { Verdict } from '../core/verdict.js';
import { freeAnswers, judgeFreeRiddle, posedRiddle } from '../core/free-riddle.js';
import { classifyRequest, type ClassifyReply, type ClassifyRequest } from '../core/classify.js';
import { redactAnswers } from '../core/answer.js';
import { classifyInput } from '../core/input.js';
import { sanitizeDeep, sanitizeText } from '../core/sanitize.js';
import type { GameState } from '../core/state.js';
import type { TurnEvent } from '../core/journal.js';
import type { NarrateOptions, NarrationRequest, Narrator } from './ports.js';

export class RefusalError extends Error {}

/** A turn as the game keeps and shows it: its image prompt carries the pack's style and parameters. */
export function styledTurn(pack: Pack, turn: Turn): Turn {
  return { ...turn, image_prompt: composeImagePrompt(pack.manifest, turn.image_prompt) };
}

export interface TurnPlan {
  input: string | null;
  said: string | null;
  state: GameState;
  rails: Rails | null;
  authored: { narration: string; image: string | null } | null;
  /** The engine's verdict on a riddle answer or an argument, shown as its own line. */
  verdict?: Verdict | undefined;
  /** What the engine tells the model this turn (a free-play riddle's verdict). */
  notes?: string[] | undefined;
  /** The input could mean several of the scene's options: ask which (no turn is played). */
  clarify?: string;
}

const NOTHING_HAPPENS: Record<string, string> = { zh: '什么也没有发生。', en: 'Nothing comes of that.' };

function nothingHappens(pack: Pack): string {
  return NOTHING_HAPPENS[pack.manifest.language.slice(0, 2)] ?? NOTHING_HAPPENS.en!;
}

/** "2" (or "第二个", "选2") means the second choice offered: tell the model (and the journal) what it meant. */
export function expandInput(input: string, choices: readonly string[], language = 'en'): string {
  const c = classifyInput(input, choices, language);
  const n = c.kind === 'choice' ? c.n : choiceNumber(input);
  const text = n !== null ? choices[n - 1] : undefined;
  return text ? `${n}. ${text}` : input;
}

/**
 * What the player said, as the model will read it. A right answer is not repeated: the
 * secret stays in the engine; anything else has every riddle answer of the pack blanked out,
 * so no answer (this riddle's, another's, a near-miss "not wind", an answer typed into a
 * hint request or a choice) ever reaches the model.
 */
function saidToModel(pack: Pack & { script: Script }, outcome: ScriptOutcome, input: string, offered: readonly string[]): string {
  if (outcome.kind === 'right') return '(answers the riddle correctly)';
  return redactAnswers(expandInput(input, offered, pack.manifest.language), scriptAnswers(pack.script));
}

/** Authored text with the player's variables filled in ("Welcome, {{var.name}}"). */
function filler(pack: Pack, state: GameState): (text: string) => string {
  return (text) => renderTemplate(text, pack, state.vars).text;
}

function filledEnding(scene: Scene, fill: (t: string) => string) {
  const ending = sceneEnding(scene);
  return ending && { ...ending, reason: fill(ending.reason) };
}

function railsFor(fill: (t: string) => string, scene: Scene, state: GameState, event: string, narration: string): Rails {
  return {
    event,
    reference: narration,
    beats: (scene.beats ?? []).map(fill),
    choices: visibleChoices(scene, state).map((c) => fill(c.text)),
    ending: filledEnding(scene, fill),
  };
}

function authoredNarration(pack: Pack, outcome: ScriptOutcome, scene: Scene): string {
  const parts: string[] = [];
  if (outcome.say) parts.push(outcome.say);
  if (outcome.moved) parts.push(sceneText(scene));
  if (parts.length === 0) parts.push(nothingHappens(pack));
  // A scene of only placeholders could fill to nothing; a turn always has some narration.
  return filler(pack, outcome.state)(parts.join('\n\n')).trim() || '…';
}

/** The opening of a scripted pack: the start scene as authored, no model call. */
export function openingTurn(pack: Pack & { script: Script }, state: GameState): Turn {
  const scene = currentScene(pack.script, state);
  const fill = filler(pack, state);
  return {
    narration: fill(sceneText(scene)).trim() || '…',
    choices: visibleChoices(scene, state).map((c) => fill(c.text)),
    image_prompt: scene.image ? fill(scene.image) : null,
    state_changes: NO_CHANGES,
    game_over: filledEnding(scene, fill),
  };
}

/**
 * A command word or a number that picks nothing, reaching planTurn because the loop did
 * not stop it first (Game should call classifyInput and ask again): nothing happens, and
 * the hint is what the player reads.
 */
function hintOutcome(state: GameState, hint: string): ScriptOutcome {
  return { kind: 'fallback', state, say: hint, moved: false, event: 'The player typed something that is not a move; nothing happens.', notes: [] };
}

/**
 * What a model is asked to read, or null: only a scripted pack's free text (no command, number
 * or ordinal, not a choice typed out) in a scene with something to mean, and never a right
 * answer to the scene's riddle: judging answers stays the engine's, and a right one is not sent.
 */
export function readingRequest(pack: Pack, state: GameState, input: string, offered: readonly string[]): ClassifyRequest | null {
  if (!pack.script) return null;
  const { language } = pack.manifest;
  if (classifyInput(input, offered, language).kind !== 'free' || !wantsReading(pack.script, state, input)) return null;
  return classifyRequest(currentScene(pack.script, state), state, input, scriptAnswers(pack.script), language);
}

/** A model's reading of the input where the narrator can give one; null means the engine reads it. */
export async function readInput(narrator: Narrator, pack: Pack, state: GameState, input: string, offered: readonly string[], signal?: AbortSignal, story?: NarrationRequest): Promise<ClassifyReply | null> {
  const request = narrator.classify ? readingRequest(pack, state, input, offered) : null;
  return request ? ((await narrator.classify?.(request, signal, story)) ?? null) : null;
}

/**
 * Free play: a posed riddle is judged by the engine; any riddle answer the player types is
 * redacted before the model reads it, right or wrong, posed or not.
 */
function freePlan(pack: Pack, state: GameState, input: string, offered: readonly string[]): TurnPlan {
  const { language } = pack.manifest;
  const numbered = classifyInput(input, offered, language).kind === 'choice';
  const judged = numbered ? null : judgeFreeRiddle(pack, pack.manifest.state, state, input);
  if (judged) return { input, said: judged.said, state: judged.state, rails: null, authored: null, verdict: judged.verdict, notes: judged.notes };
  return { input, said: redactAnswers(expandInput(input, offered, language), freeAnswers(pack)), state, rails: null, authored: null };
}

/** A riddle's outcome, or an argument's (an intent with a stance): right or wrong, as the engine decided. */
export function verdictFor(script: Script, before: GameState, outcome: ScriptOutcome): Verdict | undefined {
  const scene = currentScene(script, before);
  const riddle = scene.riddle;
  if (outcome.kind === 'right' || outcome.kind === 'give-up') return { outcome: outcome.kind, triesLeft: null };
  if (outcome.kind === 'wrong') {
    const limited = riddle?.give_up && riddle.attempts !== undefined;
    return { outcome: 'wrong', triesLeft: limited ? Math.max(0, (riddle.attempts ?? 0) - outcome.state.misses) : null };
  }
  const id = outcome.kind === 'intent' ? outcome.intent?.option : null;
  const intent = id?.startsWith('intents.') ? scene.intents?.[Number(id.slice(8))] : undefined;
  if (!intent?.stance) return undefined;
  const wins = intent.stance === 'supportive' && (intent.goto !== undefined || Boolean(intent.effects?.add_items?.length));
  return { outcome: wins ? 'persuaded' : 'not-persuaded', triesLeft: null };
}

export function planTurn(pack: Pack, state: GameState, input: string, offered: readonly string[], read?: ClassifyReply | null): TurnPlan {
  const { language } = pack.manifest;
  if (!pack.script) return freePlan(pack, state, input, offered);
  const c = classifyInput(input, offered, language);
  const outcome =
    c.kind === 'command' ? hintOutcome(state, c.hint)
    : c.kind === 'hint' ? hintOutcome(state, c.text)
    // An ordinal ("第二个") is the number it names.
    : resolveInput(pack.script, pack.manifest.state, state, c.kind === 'choice' ? String(c.n) : input, language, read ?? undefined);
  const scene = currentScene(pack.script, outcome.state);
  const narration = authoredNarration(pack, outcome, scene);
  const fill = filler(pack, outcome.state);
  const said = saidToModel({ ...pack, script: pack.script }, outcome, input, offered);
  const verdict = verdictFor(pack.script, state, outcome);
  const rails = railsFor(fill, scene, outcome.state, outcome.event, narration);
  return {
    ...(outcome.kind === 'clarify' && outcome.say ? { clarify: fill(outcome.say) } : {}),
    input,
    said,
    state: outcome.state,
    verdict,
    rails: verdict ? { ...rails, verdict: verdict.outcome } : rails,
    authored: { narration, image: outcome.moved && scene.image ? fill(scene.image) : null },
  };
}

const LEADING_NUMBER = /^\s*\(?\d{1,2}[.)、:]\s*/u;

/** Untrusted text made safe for a terminal; "1. Go" -> "Go", since the ui numbers choices itself. */
export function cleanReply(reply: Turn): Turn {
  const clean = sanitizeDeep(reply);
  return {
    ...clean,
    narration: clean.narration.trim() || '…',
    choices: clean.choices.map((c) => c.replace(LEADING_NUMBER, '').trim() || c.trim()),
  };
}

export interface TurnResult {
  turn: Turn;
  state: GameState;
  raw: string | null;
  usage: TurnEvent['usage'];
  calls: number;
  notes: string[];
}

/** Ask the narrator, then make its reply obey the engine: rails fix choices and endings. */
export async function narrateTurn(narrator: Narrator, request: NarrationRequest, plan: TurnPlan, options: NarrateOptions): Promise<TurnResult> {
  const { pack } = request;
  const result = await narrator.narrate(request, options);
  if (result.kind === 'refusal') throw new RefusalError(sanitizeText(result.text)); // model text, like any reply
  const cleaned = cleanReply(result.reply);
  // A prompt that is not English is never shown or sent to an image model: the scene's own, or none.
  const reply = imagePromptProblem(cleaned.image_prompt) ? { ...cleaned, image_prompt: plan.authored?.image ?? null } : cleaned;
  const base = { raw: result.raw, usage: result.usage, calls: result.calls };
  if (plan.rails) {
    const turn: Turn = { ...reply, choices: plan.rails.choices, game_over: plan.rails.ending, state_changes: NO_CHANGES };
    return { ...base, turn, state: plan.state, notes: [] };
  }
  const applied = applyProposal(plan.state, reply.state_changes, pack.manifest.state);
  const riddle = posedRiddle(pack, applied.state, result.raw);
  if (!riddle) return { ...base, turn: reply, state: applied.state, notes: applied.notes };
  // The engine shows the question itself, so the player always sees what is being judged.
  const question = sanitizeText(riddle.question);
  const narration = reply.narration.includes(question) ? reply.narration : `${reply.narration}\n\n${question}`;
  return { ...base, turn: { ...reply, narration }, state: { ...applied.state, riddle: { id: riddle.id, misses: 0 } }, notes: applied.notes };
}

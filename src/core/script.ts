/**
 * The authored-script machine: which scene the player is in, and how one input
 * moves them. Pure. The offline narrator renders its outcome with the authored
 * text; a model narrator "on rails" re-tells the same outcome in its own words.
 */
import type { Effects, Condition, Scene, Script, StateModel } from './pack.js';
import { applyEffects, holds } from './reducer.js';
import { choiceNumber, judgeAnswer, mentions, sameText } from './judge.js';
import { ownValue, type GameState } from './state.js';
import type { GameOver } from './reply.js';

interface Step {
  goto?: string | undefined;
  say?: string | undefined;
  effects?: Effects | undefined;
  if?: Condition | undefined;
}

export type OutcomeKind = 'choice' | 'intent' | 'right' | 'wrong' | 'give-up' | 'fallback';

export interface ScriptOutcome {
  kind: OutcomeKind;
  state: GameState;
  /** Authored text shown on the way (a step's `say`, or the scene's fallback). */
  say: string | null;
  moved: boolean;
  /** What happened, in plain words, for a model narrator. Never holds riddle answers. */
  event: string;
  notes: string[];
}

export function currentScene(script: Script, state: GameState): Scene {
  // A saved scene name is untrusted: "constructor" is a valid id and an inherited key.
  const scene = state.scene ? ownValue(script.scenes, state.scene) : undefined;
  if (!scene) throw new Error(`script has no scene "${state.scene ?? ''}"`);
  return scene;
}

export function visibleChoices(scene: Scene, state: GameState): Scene['choices'] & object {
  return (scene.choices ?? []).filter((c) => holds(c.if, state));
}

export function sceneEnding(scene: Scene): GameOver | null {
  return scene.ending ? { outcome: scene.ending.outcome, reason: scene.ending.reason } : null;
}

function takeStep(step: Step, state: GameState, model: StateModel): { state: GameState; moved: boolean; notes: string[] } {
  const { state: next, notes } = applyEffects(state, step.effects, model);
  const moved = step.goto !== undefined && step.goto !== state.scene;
  return { state: moved ? { ...next, scene: step.goto ?? null, misses: 0 } : next, moved, notes };
}

function outcome(kind: OutcomeKind, step: Step, state: GameState, model: StateModel, event: string): ScriptOutcome {
  const taken = takeStep(step, state, model);
  return { kind, state: taken.state, say: step.say ?? null, moved: taken.moved, event, notes: taken.notes };
}

function judgeRiddle(scene: Scene, state: GameState, input: string, model: StateModel): ScriptOutcome | null {
  const riddle = scene.riddle;
  if (!riddle) return null;
  if (judgeAnswer(input, riddle.answers)) {
    return outcome('right', riddle.success, state, model, 'The player answered the riddle correctly.');
  }
  const misses = state.misses + 1;
  const missed = { ...state, misses };
  if (riddle.give_up && riddle.attempts !== undefined && misses >= riddle.attempts) {
    return outcome('give-up', riddle.give_up, missed, model, `The player failed the riddle ${misses} times.`);
  }
  return outcome('wrong', riddle.failure, missed, model, `The player's answer "${input}" to the riddle is wrong.`);
}

/** Resolve one player input in the current scene (order documented in docs/packs.md). */
export function resolveInput(script: Script, model: StateModel, state: GameState, input: string): ScriptOutcome {
  const scene = currentScene(script, state);
  const choices = visibleChoices(scene, state);
  const n = choiceNumber(input);
  const numbered = n !== null ? choices[n - 1] : undefined;
  if (numbered) return outcome('choice', numbered, state, model, `The player chose: ${numbered.text}`);
  const intent = (scene.intents ?? []).find((i) => holds(i.if, state) && i.keywords.some((k) => mentions(input, k)));
  if (intent) return outcome('intent', intent, state, model, `The player did: ${input}`);
  const typed = choices.find((c) => sameText(c.text, input));
  if (typed) return outcome('choice', typed, state, model, `The player chose: ${typed.text}`);
  const judged = n === null ? judgeRiddle(scene, state, input, model) : null;
  if (judged) return judged;
  return {
    kind: 'fallback',
    state,
    say: scene.fallback ?? null,
    moved: false,
    event: `The player tried "${input}", which does not move the story here.`,
    notes: [],
  };
}

/** The authored narration of a scene, with its riddle question if the text lacks it. */
export function sceneText(scene: Scene): string {
  const q = scene.riddle?.question;
  return q && !scene.text.includes(q) ? `${scene.text}\n\n${q}` : scene.text;
}

/**
 * Checks a pack's parts make sense together, beyond what each schema says:
 * every goto lands, every scene and ending can be reached, stats exist, templates
 * use known placeholders. Pure: returns problems, the loader attaches files and lines.
 */
import { imagePromptProblem } from './image.js';
import type { Effects, Manifest, PackTest, Scene, Script } from './pack.js';
import { choiceNumber, judgeAnswer } from './judge.js';
import { ownValue } from './state.js';

export interface Problem {
  /** Which file of the pack ('manifest', 'script', ...). */
  part: 'manifest' | 'system' | 'examples' | 'lore' | 'riddles' | 'script' | 'tests';
  path: (string | number)[];
  message: string;
  /** Warnings do not fail validation. */
  warning?: boolean;
  /** For a part that is plain text (the system prompt): the line, as the path cannot say it. */
  line?: number;
}

function steps(scene: Scene): { path: (string | number)[]; goto?: string | undefined; stats: string[] }[] {
  const out: { path: (string | number)[]; goto?: string | undefined; stats: string[] }[] = [];
  const add = (path: (string | number)[], s: { goto?: string | undefined; effects?: { stats?: Record<string, number> | undefined } | undefined }) =>
    out.push({ path, goto: s.goto, stats: Object.keys(s.effects?.stats ?? {}) });
  (scene.choices ?? []).forEach((c, i) => add(['choices', i], c));
  (scene.intents ?? []).forEach((c, i) => add(['intents', i], c));
  const r = scene.riddle;
  if (r) {
    add(['riddle', 'success'], r.success);
    add(['riddle', 'failure'], r.failure);
    if (r.give_up) add(['riddle', 'give_up'], r.give_up);
  }
  return out;
}

function reachable(script: Script): Set<string> {
  const seen = new Set<string>();
  const queue = [script.start];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    const scene = ownValue(script.scenes, id);
    if (seen.has(id) || !scene) continue;
    seen.add(id);
    for (const s of steps(scene)) if (s.goto) queue.push(s.goto);
  }
  return seen;
}

export function checkScript(script: Script, manifest: Manifest): Problem[] {
  const problems: Problem[] = [];
  const p = (path: (string | number)[], message: string, warning = false) =>
    problems.push({ part: 'script', path, message, ...(warning ? { warning } : {}) });
  // Own keys only: `goto: constructor` must not find Object's constructor as a scene.
  if (!Object.hasOwn(script.scenes, script.start)) p(['start'], `start scene "${script.start}" does not exist`);
  for (const [id, scene] of Object.entries(script.scenes)) {
    const n = scene.choices?.length ?? 0;
    if (scene.ending && n > 0) p(['scenes', id, 'choices'], 'an ending scene has no choices');
    if (!scene.ending && n < 2) p(['scenes', id, 'choices'], `expected 2 to 6 choices in a scene that is not an ending, got ${n}`);
    // An image model reads English: the engine never lets a model's prompt in another script through either.
    const image = imagePromptProblem(scene.image ?? null);
    if (image) p(['scenes', id, 'image'], image.replace(/^image_prompt: /, ''), true);
    for (const s of steps(scene)) {
      if (s.goto && !Object.hasOwn(script.scenes, s.goto)) p(['scenes', id, ...s.path, 'goto'], `scene "${s.goto}" does not exist`);
      for (const stat of s.stats) {
        if (!Object.hasOwn(manifest.state.stats, stat)) p(['scenes', id, ...s.path, 'effects', 'stats', stat], `stat "${stat}" is not declared in pack.yaml state.stats`);
      }
    }
  }
  const seen = reachable(script);
  const endings = Object.entries(script.scenes).filter(([, s]) => s.ending);
  if (endings.length === 0) p(['scenes'], 'the script has no ending (a scene with `ending`)');
  for (const [id, scene] of Object.entries(script.scenes)) {
    if (seen.has(id)) continue;
    if (scene.ending) p(['scenes', id], `ending "${id}" cannot be reached from the start scene`);
    else p(['scenes', id], `scene "${id}" cannot be reached from the start scene`, true);
  }
  return problems;
}

/** Secret answers must not leak through text a model narrator is given while the riddle is open. */
export function checkSecrets(script: Script): Problem[] {
  const problems: Problem[] = [];
  const warn = (path: (string | number)[], message: string) => problems.push({ part: 'script', path, message, warning: true });
  for (const [id, scene] of Object.entries(script.scenes)) {
    const riddle = scene.riddle;
    if (!riddle) continue;
    const at = (...rest: (string | number)[]) => ['scenes', id, ...rest];
    // Said to the model while the player still stands before the riddle.
    const openTexts: [(string | number)[], string | undefined][] = [
      [at('riddle', 'question'), riddle.question],
      [at('riddle', 'failure', 'say'), riddle.failure.say],
      [at('fallback'), scene.fallback],
    ];
    for (const answer of riddle.answers) {
      for (const [path, text] of openTexts) {
        if (text && answer.length >= 3 && text.toLowerCase().includes(answer.toLowerCase())) {
          warn(path, `this text is sent to a model while the riddle is open and gives away the answer "${answer}"`);
        }
      }
      if (choiceNumber(answer) !== null) warn(at('riddle', 'answers'), `"${answer}" can never be given: a number picks a choice`);
    }
    (scene.intents ?? []).forEach((intent, i) => {
      const shadowing = intent.keywords.filter((k) => judgeAnswer(k, riddle.answers));
      if (shadowing.length) warn(at('intents', i, 'keywords'), `keyword "${shadowing[0]}" is a riddle answer: the intent takes it first, so the riddle never hears it`);
    });
    (scene.choices ?? []).forEach((choice, i) => {
      if (judgeAnswer(choice.text, riddle.answers)) warn(at('choices', i, 'text'), 'this choice text is a riddle answer: typing it picks the choice, and the model sees it');
    });
    if ((riddle.attempts === undefined) !== (riddle.give_up === undefined)) {
      warn(at('riddle'), '`attempts` and `give_up` work together: give both, or neither');
    }
  }
  return problems;
}

/** Flags and items named anywhere in the script, and where they are given. */
function knownNames(script: Script | null, manifest: Manifest) {
  const flags = new Set(Object.keys(manifest.state.flags));
  const items = new Set(manifest.state.inventory);
  for (const scene of Object.values(script?.scenes ?? {})) {
    const all: { effects?: Effects | undefined }[] = [...(scene.choices ?? []), ...(scene.intents ?? [])];
    if (scene.riddle) all.push(scene.riddle.success, scene.riddle.failure, ...(scene.riddle.give_up ? [scene.riddle.give_up] : []));
    for (const s of all) {
      for (const f of Object.keys(s.effects?.flags ?? {})) flags.add(f);
      for (const i of s.effects?.add_items ?? []) items.add(i);
    }
  }
  return { flags, items };
}

/** A script that tests for a flag or item nothing ever sets is almost always a typo. */
export function checkNames(script: Script, manifest: Manifest): Problem[] {
  const problems: Problem[] = [];
  const { flags, items } = knownNames(script, manifest);
  for (const [id, scene] of Object.entries(script.scenes)) {
    const conditioned = [...(scene.choices ?? []).map((c, i) => ['choices', i, c] as const), ...(scene.intents ?? []).map((c, i) => ['intents', i, c] as const)];
    for (const [kind, i, step] of conditioned) {
      const path = ['scenes', id, kind, i];
      for (const f of Object.keys(step.if?.flags ?? {})) {
        if (!flags.has(f)) problems.push({ part: 'script', path: [...path, 'if', 'flags', f], message: `flag "${f}" is never declared (pack.yaml state.flags) nor set by any effect`, warning: true });
      }
      for (const item of [...(step.if?.has ?? []), ...(step.effects?.remove_items ?? [])]) {
        if (!items.has(item)) problems.push({ part: 'script', path, message: `item "${item}" is never held at the start nor added by any effect`, warning: true });
      }
    }
  }
  return problems;
}

/** A test that names a scene, flag or item the pack does not have can never pass as meant. */
export function checkTests(tests: readonly PackTest[], script: Script | null, manifest: Manifest): Problem[] {
  const problems: Problem[] = [];
  if (!script) {
    if (tests.length) problems.push({ part: 'tests', path: [], message: 'tests play the authored script, and this pack has no script (add `script:` to pack.yaml, or remove `tests:`)' });
    return problems;
  }
  const { flags, items } = knownNames(script, manifest);
  tests.forEach((t, i) => {
    const p = (key: (string | number)[], message: string, warning = false) =>
      problems.push({ part: 'tests', path: [i, 'expect', ...key], message, ...(warning ? { warning } : {}) });
    const { scene, outcome } = t.expect;
    if (scene !== undefined && !Object.hasOwn(script.scenes, scene)) p(['scene'], `scene "${scene}" does not exist in the script`);
    if (outcome && !Object.values(script.scenes).some((s) => s.ending?.outcome === outcome)) p(['outcome'], `no ending of the script has outcome "${outcome}"`);
    for (const s of Object.keys(t.expect.stats ?? {})) if (!Object.hasOwn(manifest.state.stats, s)) p(['stats', s], `stat "${s}" is not declared in pack.yaml state.stats`);
    for (const f of Object.keys(t.expect.flags ?? {})) if (!flags.has(f)) p(['flags', f], `flag "${f}" is never declared nor set by the script`, true);
    for (const item of [...(t.expect.inventory_has ?? []), ...(t.expect.inventory_lacks ?? [])]) {
      if (!items.has(item)) p([], `item "${item}" is never held at the start nor added by the script`, true);
    }
  });
  return problems;
}

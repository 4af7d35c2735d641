/**
 * Checks a pack's parts make sense together, beyond what each schema says:
 * every goto lands, every scene and ending can be reached, stats exist, templates
 * use known placeholders. Pure: returns problems, the loader attaches files and lines.
 */
import type { Manifest, Scene, Script } from './pack.js';

export interface Problem {
  /** Which file of the pack ('manifest', 'script', ...). */
  part: 'manifest' | 'system' | 'examples' | 'lore' | 'script' | 'tests';
  path: (string | number)[];
  message: string;
  /** Warnings do not fail validation. */
  warning?: boolean;
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
    const scene = script.scenes[id];
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
  if (!script.scenes[script.start]) p(['start'], `start scene "${script.start}" does not exist`);
  for (const [id, scene] of Object.entries(script.scenes)) {
    const n = scene.choices?.length ?? 0;
    if (scene.ending && n > 0) p(['scenes', id, 'choices'], 'an ending scene has no choices');
    if (!scene.ending && n < 2) p(['scenes', id, 'choices'], `expected 2 to 6 choices in a scene that is not an ending, got ${n}`);
    for (const s of steps(scene)) {
      if (s.goto && !script.scenes[s.goto]) p(['scenes', id, ...s.path, 'goto'], `scene "${s.goto}" does not exist`);
      for (const stat of s.stats) {
        if (!(stat in manifest.state.stats)) p(['scenes', id, ...s.path, 'effects', 'stats', stat], `stat "${stat}" is not declared in pack.yaml state.stats`);
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

/** Secret answers must not leak through text a model narrator is given. */
export function checkSecrets(script: Script): Problem[] {
  const problems: Problem[] = [];
  for (const [id, scene] of Object.entries(script.scenes)) {
    for (const answer of scene.riddle?.answers ?? []) {
      if (answer.length >= 3 && scene.riddle?.question.toLowerCase().includes(answer.toLowerCase())) {
        problems.push({ part: 'script', path: ['scenes', id, 'riddle', 'question'], message: `the question gives away the answer "${answer}"`, warning: true });
      }
    }
  }
  return problems;
}

/**
 * `pack validate`: no riddle answer in anything a model is sent. The engine keeps answers
 * out of every request, but it cannot guard the author's own text, and a model that reads
 * "风之遗迹" in the title knows what the stone face wants. Pure: the loader adds files and lines.
 */
import type { ExampleTurn, FreeRiddle, LoreEntry, Manifest, Script } from './pack.js';
import type { Problem } from './pack-check.js';
import { answerIn } from './answer.js';
import { stringsIn } from './template.js';

// Script keys that are never sent to a model: the answers themselves, keywords, image prompts
// (they go to the image model, not the narrator), and gotos (the scene ids themselves are
// checked once, below: a long game's summary names the places visited by them).
const UNSENT = new Set(['answers', 'keywords', 'image', 'goto', 'stance']);

const message = (answer: string) => `a model is sent this text, and it holds the riddle answer "${answer}" (after folding case, width and traditional characters): rewrite it`;

function scriptStrings(script: Script): { path: (string | number)[]; text: string }[] {
  const out: { path: (string | number)[]; text: string }[] = [];
  for (const [id, scene] of Object.entries(script.scenes)) {
    for (const s of stringsIn(scene, ['scenes', id])) {
      if (!s.path.some((k) => typeof k === 'string' && UNSENT.has(k))) out.push(s);
    }
  }
  return out;
}

/** Flag names set by the script: they are keys of the state JSON in every request. */
function scriptFlagNames(script: Script, declared: Record<string, boolean>): { path: (string | number)[]; text: string }[] {
  const out: { path: (string | number)[]; text: string }[] = [];
  const seen = new Set(Object.keys(declared));
  for (const [id, scene] of Object.entries(script.scenes)) {
    const steps = [...(scene.choices ?? []), ...(scene.intents ?? [])];
    steps.forEach((step, i) => {
      for (const f of Object.keys(step.effects?.flags ?? {})) if (!seen.has(f) && seen.add(f)) out.push({ path: ['scenes', id, i, 'effects', 'flags', f], text: f.replace(/_/g, ' ') });
    });
  }
  return out;
}

export interface LeakInput {
  manifest: Manifest;
  systemTemplate: string;
  examples: readonly ExampleTurn[];
  lore: readonly LoreEntry[];
  script: Script | null;
  riddles?: readonly FreeRiddle[] | undefined;
}

export function checkLeaks(pack: LeakInput): Problem[] {
  const free = pack.riddles ?? [];
  const answers = [...Object.values(pack.script?.scenes ?? {}).flatMap((s) => s.riddle?.answers ?? []), ...free.flatMap((r) => r.answers)];
  if (answers.length === 0) return [];
  const problems: Problem[] = [];
  const check = (part: Problem['part'], path: (string | number)[], text: string, line?: number) => {
    const answer = answerIn(text, answers);
    if (answer) problems.push({ part, path, message: message(answer), warning: true, ...(line ? { line } : {}) });
  };
  const m = pack.manifest;
  check('manifest', ['title'], m.title);
  check('manifest', ['description'], m.description);
  m.state.inventory.forEach((item, i) => check('manifest', ['state', 'inventory', i], item));
  for (const name of [...Object.keys(m.state.flags), ...Object.keys(m.state.stats)]) {
    check('manifest', ['state', Object.hasOwn(m.state.flags, name) ? 'flags' : 'stats', name], name.replace(/_/g, ' '));
  }
  for (const [name, def] of Object.entries(m.state.stats)) if (def.label) check('manifest', ['state', 'stats', name, 'label'], def.label);
  // The glossary is sent when its term is in the scene: term and meaning alike.
  for (const [term, meaning] of Object.entries(m.image.glossary)) check('manifest', ['image', 'glossary', term], `${term}: ${meaning}`);
  pack.systemTemplate.split('\n').forEach((text, i) => check('system', [], text, i + 1));
  for (const s of stringsIn(pack.examples)) check('examples', s.path, s.text);
  pack.lore.forEach((e, i) => check('lore', [i, 'text'], e.text));
  // A riddle's question and its reward's item names are sent; its answers are not.
  free.forEach((r, i) => {
    check('riddles', [i, 'question'], r.question);
    r.reward?.add_items?.forEach((item, j) => check('riddles', [i, 'reward', 'add_items', j], item));
  });
  if (pack.script) {
    for (const s of scriptStrings(pack.script)) check('script', s.path, s.text);
    for (const s of scriptFlagNames(pack.script, m.state.flags)) check('script', s.path, s.text);
    for (const id of Object.keys(pack.script.scenes)) check('script', ['scenes', id], id.replace(/[_-]+/g, ' '));
  }
  return problems;
}

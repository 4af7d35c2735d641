/**
 * The files `pack new` writes: a small but complete pack that validates, previews,
 * passes its own tests and plays offline as it stands. The author's answers are
 * inserted as JSON strings, which YAML reads as plain double-quoted scalars.
 */
import { PACK_FORMAT } from '../core/pack-format.js';

export interface ScaffoldAnswers {
  id: string;
  title: string;
  language: string;
  author: string;
}

const q = (s: string) => JSON.stringify(s);

const manifest = (a: ScaffoldAnswers) => `# The manifest. Every key is documented in docs/packs.md; unknown keys are errors (typos get caught).
id: ${q(a.id)}
title: ${q(a.title)}
version: "0.1.0"
language: ${q(a.language)}
# The pack format version: a PromptQuest too old for this pack says so instead of calling new keys typos.
format: ${PACK_FORMAT}
description: >-
  A stone gardener guards a clockwork garden that has stopped ticking. Answer her riddle,
  find the key and wind the great clock.
author: ${q(a.author)}
# Asked at the start of a game on a terminal; --var name=Ada fills them.
variables:
  - name: name
    prompt: What is your name, traveller?
    default: Traveller
# Hints for a model narrator.
model:
  temperature: 0.8
  max_tokens: 900
# Added by the engine to every image prompt (Midjourney).
image:
  style: storybook watercolour, brass and green, soft morning light
  suffix: --ar 16:9 --v 6
system: system.md
examples: examples.yaml
lore: lore.yaml
script: script.yaml
tests: tests.yaml
# Characters of triggered lore per turn; what does not fit is dropped and reported by \`pack preview\`.
lore_budget: 1200
# The state the engine keeps. Effects and a model's proposals are checked against it.
state:
  stats:
    courage: { start: 1, min: 0, max: 5, label: Courage }
  inventory: []
  flags:
    riddle_solved: false
`;

const system = () => `You are the narrator of "{{pack.title}}", a short text adventure played in a terminal.
The player is {{var.name}}. Write in the pack's language ({{pack.language}}), in the second person and
the present tense, 50-120 words per turn.

## The world
A walled garden of brass flowers and copper bees, built long ago by a clockmaker, has stopped ticking.
A stone gardener guards the way to the clock tower and will only let past someone who answers her riddle.

## Your reply
- \`narration\`: the story of this turn. Concrete and sensory; never decide for the player.
- \`choices\`: 2 to 6 short actions, without numbers (the engine numbers them).
- \`image_prompt\`: one English sentence showing this moment literally (place, light, objects).
  The engine adds the style "{{image.style}}" itself.
- \`state_changes\`: only stats, flags and items the current state shows you; empty lists when nothing changes.
- \`game_over\`: null until the story truly ends.

## Rules the engine keeps
- You never know riddle answers and never judge them: the engine does, and tells you the result.
- When the last message holds an engine directive, tell exactly that outcome and offer exactly its choices.
`;

const examples = () => `# Few-shot turns: in-context examples steer format and tone more than instructions do.
- input: null
  reply:
    narration: >-
      Morning mist hangs over a wall of mossy brick. Behind a rusted iron gate, something ticks:
      not one clock but a thousand, all a little out of step, and all of them slowing.
    choices:
      - Push the gate open
      - Listen at the bars
    image_prompt: >-
      A rusted iron garden gate in a mossy brick wall in morning mist, brass flowers visible
      through the bars.
    state_changes: { add_items: [], remove_items: [], stats: [], flags: [] }
    game_over: null
`;

const lore = () => `# Sent to a model narrator only in turns whose text mentions a keyword, within lore_budget.
- id: garden
  keywords: [garden, flowers, bees, brass]
  text: >-
    The garden was built by the clockmaker Odile Vane. Every flower, bee and fountain in it
    runs on springs wound by the great clock in the tower.
- id: gardener
  keywords: [gardener, statue, stone]
  priority: 1
  text: >-
    The stone gardener was Odile's last work. She speaks only in riddles and cannot be moved
    by force, pleading or tricks; only a right answer makes her step aside.
`;

const script = () => `# The authored script: the offline narrator plays it, and with a model it acts as rails.
# Input is resolved in this order: choice number > intent keyword > choice text > riddle answer > fallback.
start: gate
scenes:
  gate:
    text: >-
      Morning mist hangs over a wall of mossy brick. Behind a rusted iron gate, something ticks:
      not one clock but a thousand, all a little out of step, and all of them slowing.
    image: A rusted iron garden gate in a mossy brick wall in morning mist.
    beats:
      - The garden behind the gate is running down.
    choices:
      - text: Push the gate open
        goto: garden
      - text: Listen at the bars
        say: Tick... tick... Somewhere inside, something very large is running slow.
    intents:
      - keywords: [open, push, enter, inside, go in]
        goto: garden
    fallback: The gate waits. The ticking goes on, a little slower.

  garden:
    text: >-
      Brass flowers turn their faces toward you on creaking stems. In the middle of the garden a
      stone gardener blocks the path to a tower, a riddle carved on her apron.
    image: A garden of brass flowers around a stone statue of a gardener, a stone tower behind her.
    beats:
      - The stone gardener guards the tower and asks a riddle.
      - Something glints among the flower beds.
    choices:
      - text: Search the flower beds
        if: { lacks: [silver key] }
        say: Under a brass tulip you find a small silver key. Holding it, you feel braver.
        effects: { add_items: [silver key], stats: { courage: 1 } }
      # Keep two choices visible whatever the state: a model narrator must always offer 2 to 6.
      - text: Sit on the rim of the dry fountain and think
        say: The copper bees hum a slow, low note, as if they were far away and high above.
      - text: Go back to the gate
        goto: gate
    riddle:
      question: >-
        "What has roots that nobody sees, is taller than the trees; up, up it goes, and yet it
        never grows?"
      # Secret: judged by the engine, never sent to a model. Case, width and filler
      # ("I think it's ...") are ignored; list every wording you accept.
      answers: [mountain, a mountain, 山, 山峰]
      success:
        say: The stone gardener smiles, and with a grinding of stone she steps aside.
        goto: tower
        effects: { flags: { riddle_solved: true } }
      failure:
        say: The stone gardener shakes her head. "Think again."
      attempts: 3
      give_up:
        say: The gardener turns her face away. The mist thickens, and you find yourself back at the gate.
        goto: gate
    fallback: The gardener only looks at you and waits for an answer.

  tower:
    text: >-
      Inside the tower the great clock stands silent, its little brass door locked with a silver
      keyhole. Cogs as big as cartwheels wait in the dust.
    image: The inside of a stone tower with a huge silent clockwork mechanism and a small brass door.
    beats:
      - The great clock is stopped; its winding door needs a silver key.
    choices:
      - text: Unlock the little door with the silver key and wind the clock
        if: { has: [silver key] }
        goto: win_clock
      - text: Hit the clock until it starts
        goto: lose_smash
      - text: Go back down to the garden
        goto: garden
    intents:
      - keywords: [hit, smash, kick, force]
        goto: lose_smash
      - keywords: [unlock, wind, key]
        if: { has: [silver key] }
        goto: win_clock
    fallback: The great clock says nothing at all.

  win_clock:
    text: >-
      The key turns. You wind until your arms ache, and with a shudder the great clock ticks again.
      Outside, a thousand brass flowers open at once, and the copper bees rise humming into the sun.
    image: Brass flowers opening in sunlight around a stone tower, copper bees flying.
    ending: { outcome: win, reason: The garden ticks again. }

  lose_smash:
    text: >-
      You strike the clock, and something deep inside it snaps. The ticking in the garden stops for
      good, and the brass flowers fold their petals one by one.
    image: A broken clockwork mechanism with a snapped spring inside a dusty stone tower.
    ending: { outcome: lose, reason: The great clock is broken for good. }
`;

const tests = () => `# Playthroughs for \`promptquest pack test\`: inputs typed after the opening, then what must hold.
- name: find the key, answer the riddle, wind the clock
  inputs: ["1", "1", "mountain", "1"]
  expect:
    outcome: win
    scene: win_clock
    inventory_has: [silver key]
    flags: { riddle_solved: true }
    says: ticks again

- name: the riddle accepts "I think it's a mountain" and 山
  inputs: ["open the gate", "I think it's a mountain", "go back down to the garden", "山"]
  expect:
    scene: tower
    flags: { riddle_solved: true }

- name: a wrong answer keeps the way shut
  inputs: ["1", "a tree"]
  expect:
    scene: garden
    flags: { riddle_solved: false }
    says: Think again

- name: three wrong answers send you back to the gate
  inputs: ["1", "a tree", "the sky", "a cloud"]
  expect:
    scene: gate
    says: back at the gate

- name: hitting the clock breaks it
  inputs: ["1", "mountain", "hit the clock"]
  expect:
    outcome: lose
    inventory_lacks: [silver key]
`;

/** File name -> contents. */
export function scaffoldFiles(a: ScaffoldAnswers): Record<string, string> {
  return {
    'pack.yaml': manifest(a),
    'system.md': system(),
    'examples.yaml': examples(),
    'lore.yaml': lore(),
    'script.yaml': script(),
    'tests.yaml': tests(),
  };
}

/**
 * Issue 9's table of phrasings on the bundled packs' real scenes, shared by the offline test
 * (tests/unit/intent-table.test.ts) and the model-path test (tests/unit/intent-model.test.ts).
 * Each row is one phrasing typed in one scene and the outcome the engine must reach.
 */
import { loadPack } from '../../src/adapters/pack-loader.js';
import { BUNDLED_PACKS_DIR } from '../../src/adapters/paths.js';
import { classifyInput } from '../../src/core/input.js';
import { resolveInput, visibleChoices, currentScene } from '../../src/core/script.js';
import { initialState, type GameState } from '../../src/core/state.js';
import type { Script, Pack } from '../../src/core/pack.js';
import type { ClassifyReply } from '../../src/core/classify.js';
import { join } from 'node:path';

export const packs = {
  lighthouse: loadPack(join(BUNDLED_PACKS_DIR, 'lighthouse'), '/nonexistent'),
  ruins: loadPack(join(BUNDLED_PACKS_DIR, 'ruins'), '/nonexistent'),
} as const;
export type PackId = keyof typeof packs;

export function stateIn(id: PackId, scene: string): GameState {
  const pack = packs[id];
  return { ...initialState(pack.manifest, {}, scene) };
}

/** What the game loop would do with one line: a command or hint (no turn), or the script's outcome. */
export function outcomeOf(id: PackId, scene: string, input: string, read?: ClassifyReply | null) {
  const pack = packs[id] as Pack & { script: Script };
  const state = stateIn(id, scene);
  const offered = visibleChoices(currentScene(pack.script, state), state).map((c) => c.text);
  const c = classifyInput(input, offered, pack.manifest.language);
  if (c.kind === 'command') return { is: `command:${c.name}` };
  if (c.kind === 'hint') return { is: 'hint' };
  const o = resolveInput(pack.script, pack.manifest.state, state, c.kind === 'choice' ? String(c.n) : input, pack.manifest.language, read ?? undefined);
  return { is: o.kind, scene: o.state.scene, read: o.intent?.kind ?? null, by: o.intent?.by ?? null, intentOption: o.intent?.option ?? null, state: o.state };
}

// [pack, scene, input, expected outcome kind, expected scene afterwards (or null: no check), how it was read]
export type Row = [PackId, string, string, string, string | null, string?];
export const T: Row[] = [
  // Mentioning is not doing: look, ask, refuse, negate (lighthouse).
  ['lighthouse', 'hook', 'examine the brazier', 'fallback', 'hook', 'look'],
  ['lighthouse', 'hook', 'what is the brazier for?', 'fallback', 'hook', 'ask'],
  ["lighthouse", 'hook', "don't light the brazier", 'fallback', 'hook', 'refuse'],
  ['lighthouse', 'hook', 'I will never light that fire', 'fallback', 'hook', 'refuse'],
  ['lighthouse', 'hook', 'inspect the bonfire pile', 'fallback', 'hook', 'look'],
  ['lighthouse', 'hook', 'is the brazier dangerous?', 'fallback', 'hook', 'ask'],
  ['lighthouse', 'hook', "I don't want to go back", 'fallback', 'hook', 'refuse'],
  ['lighthouse', 'hook', 'light the brazier', 'intent', 'lose_wreckers', 'do'],
  ['lighthouse', 'hook', 'hurry past the brazier to the lighthouse', 'intent', 'tower_base', 'do'],
  ['lighthouse', 'lens', 'I will not leave the lens still', 'fallback', 'lens', 'refuse'],
  ['lighthouse', 'lens', 'leave the lens still', 'intent', 'fixed_light', 'do'],
  ['lighthouse', 'lens', 'what does the crank do?', 'fallback', 'lens', 'ask'],
  ['lighthouse', 'shore', "I won't climb the cliff yet", 'fallback', 'shore', 'refuse'],
  ['lighthouse', 'shore', 'search the wreck of the boat', 'intent', 'boat', 'do'],
  ['lighthouse', 'cottage', "don't search the desk", 'fallback', 'cottage', 'refuse'],
  ['lighthouse', 'cottage', 'read the note on the door', 'intent', 'cottage', 'do'],
  // Riddle answers in framing, near-misses, another riddle's answer (lighthouse).
  ['lighthouse', 'desk', 'Answer: echo', 'right', 'logbook'],
  ['lighthouse', 'desk', 'my answer: an echo', 'right', 'logbook'],
  ['lighthouse', 'desk', 'I say echo', 'right', 'logbook'],
  ['lighthouse', 'desk', 'Echo, final answer', 'right', 'logbook'],
  ['lighthouse', 'desk', 'I believe it is an echo', 'right', 'logbook'],
  ['lighthouse', 'desk', "I think it's the echo 🙂", 'right', 'logbook'],
  ['lighthouse', 'desk', 'ECHOES!', 'right', 'logbook'],
  ['lighthouse', 'desk', 'please, echo', 'right', 'logbook'],
  ['lighthouse', 'desk', 'not an echo', 'wrong', 'desk'],
  ['lighthouse', 'desk', 'echo or wind', 'wrong', 'desk'],
  ['lighthouse', 'desk', 'the tide', 'wrong', 'desk'],
  ['lighthouse', 'brass_door', 'the tide', 'right', 'lamp_room'],
  ['lighthouse', 'brass_door', "I think it's the tides, final answer", 'right', 'lamp_room'],
  ['lighthouse', 'brass_door', 'not the tide', 'wrong', 'brass_door'],
  ['lighthouse', 'brass_door', 'an echo', 'wrong', 'brass_door'],
  // Numbers and command words (lighthouse).
  ['lighthouse', 'desk', '9', 'hint', null],
  ['lighthouse', 'desk', '0', 'hint', null],
  ['lighthouse', 'desk', '-1', 'hint', null],
  ['lighthouse', 'desk', 'help', 'command:help', null],
  ['lighthouse', 'desk', 'quit', 'command:quit', null],
  ['lighthouse', 'desk', 'undo', 'command:undo', null],
  ['lighthouse', 'desk', 'save', 'command:save', null],
  ['lighthouse', 'desk', 'Redo', 'command:redo', null],
  ['lighthouse', 'desk', 'retry', 'command:retry', null],
  ['lighthouse', 'desk', 'state', 'command:state', null],
  ['lighthouse', 'shore', '2', 'choice', 'boat'],
  // Mentioning is not doing (ruins).
  ['ruins', 'altar', '不要挖金子', 'fallback', 'altar', 'refuse'],
  ['ruins', 'altar', '金光是什么？', 'fallback', 'altar', 'ask'],
  ['ruins', 'altar', '看看金光', 'fallback', 'altar', 'look'],
  ['ruins', 'altar', '别砸祭坛', 'fallback', 'altar', 'refuse'],
  ['ruins', 'altar', '我要把金子挖出来', 'intent', 'ending_buried', 'do'],
  ['ruins', 'start', '我不想进去', 'fallback', 'start', 'refuse'],
  ['ruins', 'start', '遗迹里面有什么？', 'fallback', 'start', 'ask'],
  ['ruins', 'start', '我要直接进入遗迹！', 'intent', 'hall', 'do'],
  ['ruins', 'start', '我想进去看看', 'intent', 'hall', 'do'],
  ['ruins', 'start', '我不进去了', 'intent', 'ending_home', 'do'],
  // The gatekeeper: threats and dismissal make him sterner, a real reason opens the gate.
  ['ruins', 'gate', '我要烧了村子', 'intent', 'gate', 'do'],
  ['ruins', 'gate', 'I will burn the village to the ground', 'intent', 'gate', 'do'],
  ['ruins', 'gate', '我不在乎村子', 'intent', 'gate', 'do'],
  ['ruins', 'gate', '村子关我什么事', 'intent', 'gate', 'do'],
  ['ruins', 'gate', '我不想和你一起走', 'fallback', 'gate', 'refuse'],
  ['ruins', 'gate', '我想救山下干旱的村子', 'intent', 'hall', 'do'],
  ['ruins', 'gate', 'I want to save the village from the drought', 'intent', 'hall', 'do'],
  ['ruins', 'gate', '你能和我一起走吗？', 'intent', 'hall', 'do'],
  ['ruins', 'gate', '请问这是什么地方？', 'intent', 'gate', 'do'],
  ['ruins', 'gate_talk', '村子关我什么事', 'intent', 'gate', 'do'],
  // Riddle answers in framing, traditional characters, quantifiers; near-misses (ruins).
  ['ruins', 'stone_door', '答案：风', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '谜底：风', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '我的答案是风', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '一阵风', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '風', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '我觉得是风吧！', 'right', 'echo_hall'],
  ['ruins', 'stone_door', '不是风', 'wrong', 'stone_door'],
  ['ruins', 'stone_door', '风还是火', 'wrong', 'stone_door'],
  ['ruins', 'stone_door', '稻草', 'wrong', 'stone_door'],
  ['ruins', 'stone_door', '云', 'wrong', 'stone_door'],
  ['ruins', 'stone_door', '有提示吗？', 'fallback', 'stone_door', 'ask'],
  ['ruins', 'granary', '一把稻草', 'right', 'seal_room'],
  ['ruins', 'granary', '乾草', 'right', 'seal_room'],
  ['ruins', 'observatory', '一朵云', 'right', 'hall'],
  ['ruins', 'observatory', '雲', 'right', 'hall'],
  ['ruins', 'observatory', '不是云', 'wrong', 'observatory'],
  // Ordinals, numbers out of range, command words (ruins).
  ['ruins', 'stone_door', '选1', 'choice', 'door_inscription'],
  ['ruins', 'stone_door', '第二个', 'choice', 'collapse'],
  ['ruins', 'stone_door', '（2）', 'choice', 'collapse'],
  ['ruins', 'stone_door', '2号', 'choice', 'collapse'],
  ['ruins', 'stone_door', '一', 'choice', 'door_inscription'],
  ['ruins', 'stone_door', '第一', 'choice', 'door_inscription'],
  ['ruins', 'stone_door', '9', 'hint', null],
  ['ruins', 'stone_door', '退出', 'command:quit', null],
  ['ruins', 'stone_door', '帮助', 'command:help', null],
  ['ruins', 'stone_door', '撤销', 'command:undo', null],
  ['ruins', 'stone_door', '保存', 'command:save', null],
];


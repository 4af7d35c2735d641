/**
 * `promptquest pack preview <dir>`: the first request a model would get, rendered
 * exactly as it would be sent, with the reply schema, the lore it triggered or
 * dropped, and a rough token count. Built by the same code the game uses.
 */
import type { Pack, Script } from '../core/pack.js';
import { buildMessages, ContextTooSmall, type ChatMessage, type PromptInput } from '../core/prompt.js';
import { DEFAULT_WINDOW, replyRoom } from '../core/context-window.js';
import { estimateTokens } from '../core/tokens.js';
import { memoryText } from '../engine/memory-text.js';
import { initialState } from '../core/state.js';
import { safeJson, sanitizeText } from '../core/sanitize.js';
import { openingTurn, planTurn, styledTurn } from '../engine/turn.js';
import { loadPackReport } from '../adapters/pack-loader.js';
import { chatRequest } from '../core/request.js';
import { environment, makeSettings, parseVars } from './session.js';
import { io } from './io.js';


export interface PreviewFlags {
  input?: string | undefined;
  var?: string[] | undefined;
  model?: string | undefined;
  baseUrl?: string | undefined;
  context?: number | undefined;
  json?: boolean | undefined;
}

/** What the game would ask the model first: the opening, or (scripted packs) the reply to the first input. */
function firstRequest(pack: Pack, vars: Record<string, string>, input: string): { prompt: PromptInput; input: string | null } {
  const state = initialState(pack.manifest, vars, pack.script?.start ?? null);
  if (!pack.script) return { prompt: { pack, state, summary: null, history: [], said: null, rails: null, notes: [] }, input: null };
  // A scripted pack opens with its authored start scene, no model call.
  const opening = openingTurn(pack as Pack & { script: Script }, state);
  const plan = planTurn(pack, state, input, opening.choices);
  // Shown as the model gets it: a right riddle answer is already replaced by the engine.
  return { prompt: { pack, state: plan.state, summary: null, history: [{ id: 0, n: 1, said: null, turn: styledTurn(pack, opening), state }], said: plan.said, rails: plan.rails, notes: [] }, input: plan.said };
}

export async function buildPreview(ref: string, flags: PreviewFlags) {
  const env = await environment();
  const { pack } = loadPackReport(ref, env.home);
  const settings = makeSettings(env, { provider: 'openai', model: flags.model, baseUrl: flags.baseUrl });
  const { prompt, input } = firstRequest(pack, parseVars(pack, flags.var), flags.input ?? '1');
  const { temperature, max_tokens } = pack.manifest.model;
  // Fitted to a window as the game would fit it (the estimate, uncalibrated: no server is asked).
  const window = flags.context ?? settings.contextTokens ?? DEFAULT_WINDOW;
  const room = replyRoom(window, max_tokens ?? 1024);
  const fitted = fit(prompt, room.promptBudget);
  const whole = fitted ?? buildMessages(prompt, { tokens: Infinity, count: estimateTokens });
  const { messages, lore } = whole;
  const report = { ...whole.report, budget: room.promptBudget };
  const request = chatRequest({ model: settings.model, baseURL: settings.baseURL, messages, capability: 'json_schema', maxTokens: room.replyTokens, temperature });
  const chars = messages.reduce((n, m) => n + m.content.length, 0) + JSON.stringify(request.response_format).length;
  const memory = { window: { tokens: window, source: flags.context ? 'config' as const : settings.contextTokens ? 'config' as const : 'default' as const }, replyTokens: room.replyTokens, margin: room.margin, report };
  const entry = (e: { id: string; text: string; priority: number }) => ({ id: e.id, chars: e.text.length, priority: e.priority });
  return {
    type: 'preview',
    pack: { id: pack.manifest.id, title: pack.manifest.title, version: pack.manifest.version, dir: pack.dir, examples: pack.examples.length },
    opening: pack.script ? 'authored' : 'model',
    input,
    request,
    lore: { budget: pack.manifest.lore_budget, included: lore.included.map(entry), dropped: lore.dropped.map(entry) },
    estimate: { chars, tokens: report.tokens, method: 'script-aware estimate (a CJK character ~1 token, English ~3.5 characters); the game calibrates it against the server' },
    memory,
    fits: fitted !== null,
  };
}

/** The request fitted to `budget` tokens, or null when even its required part does not fit. */
function fit(prompt: PromptInput, budget: number): ReturnType<typeof buildMessages> | null {
  try {
    return buildMessages(prompt, { tokens: budget, count: estimateTokens });
  } catch (err) {
    if (err instanceof ContextTooSmall) return null;
    throw err;
  }
}

type Preview = Awaited<ReturnType<typeof buildPreview>>;

function messageLabel(m: ChatMessage, i: number, all: ChatMessage[], examples: number): string {
  if (i === 0) return 'system';
  if (i === all.length - 1) return `${m.role} (last message: what changes every turn)`;
  if (i <= examples * 2) return `${m.role} (few-shot example ${Math.ceil(i / 2)})`;
  return `${m.role} (story so far)`;
}

export function formatPreview(p: Preview): string {
  const { request: r } = p;
  const out: string[] = [`Preview of the first model request for "${p.pack.title}" (${p.pack.id} ${p.pack.version})`];
  out.push(
    p.opening === 'authored'
      ? `The opening scene is authored (turn 1 needs no model call); this is the request for the first input (--input, default 1), which the model sees as "${p.input ?? ''}".`
      : 'This is the request for the opening turn.',
  );
  const tokens = r.max_completion_tokens !== undefined ? `max_completion_tokens=${r.max_completion_tokens}` : `max_tokens=${r.max_tokens}`;
  out.push(`POST /chat/completions  model=${r.model} ${tokens}${'temperature' in r ? ` temperature=${r.temperature}` : ''} stream=true`);
  // The examples actually sent, not the pack's count: a tight window leaves some out.
  const sentExamples = p.memory.report.examplesSent;
  r.messages.forEach((m, i) => out.push(`\n──── ${messageLabel(m, i, r.messages, sentExamples)} ────\n${m.content}`));
  const format = r.response_format;
  if (format?.type === 'json_schema') out.push(`\n──── response_format (json_schema "turn", strict) ────\n${JSON.stringify(format.json_schema.schema, null, 2)}`);
  const names = (list: { id: string; chars: number }[]) => list.map((e) => `${e.id} (${e.chars} chars)`).join(', ');
  const used = p.lore.included.reduce((n, e) => n + e.chars, 0);
  out.push(`\nLore: ${p.lore.included.length ? `included ${names(p.lore.included)}` : 'none triggered'}; ${used} of ${p.lore.budget} characters of budget used.`);
  if (p.lore.dropped.length) out.push(`Lore dropped (triggered but over lore_budget): ${names(p.lore.dropped)}.`);
  out.push(`Size: ${p.estimate.chars} characters, about ${p.estimate.tokens} tokens (${p.estimate.method}).`);
  // Unfitted, the table shows the whole request; "nothing was left out" would say the opposite of the truth.
  out.push('', p.fits ? memoryText(p.memory) : memoryText(p.memory).split('\n').slice(0, -1).join('\n'));
  if (!p.fits) out.push(`It does not fit a ${p.memory.window.tokens}-token window even with everything optional left out: the game would refuse to start there (--context N to try another window).`);
  return out.join('\n');
}

export async function printPreview(ref: string, flags: PreviewFlags): Promise<number> {
  const preview = await buildPreview(ref, flags);
  // Exact (the request as it would be sent) but with C1, bidi and invisible characters escaped, never raw.
  if (flags.json) io().stdout.write(`${safeJson(preview)}\n`);
  else io().stdout.write(`${sanitizeText(formatPreview(preview))}\n`);
  return 0;
}

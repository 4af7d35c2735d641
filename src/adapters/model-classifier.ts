/**
 * The intent call: one small, non-streamed, structured request asking which of the scene's
 * options a free text means. It never fails a turn: an error, a timeout, a refusal or a reply
 * that is not the shape gives null, and the engine reads the text itself.
 */
import type OpenAI from 'openai';
import { extractJson } from '../core/extract.js';
import { ClassifyReply, CLASSIFY_MAX_TOKENS, classifyMessages, classifyQuestion, classifySchema, type ClassifyRequest } from '../core/classify.js';
import type { ChatMessage } from '../core/prompt.js';
import { schemaFlavour } from '../core/json-schema.js';
import { LADDER, type Capability } from '../core/request.js';
import { isFormatRejection } from './openai-errors.js';
import type { Usage } from '../core/journal.js';
import { usageOf } from './chat-stream.js';

export interface ClassifyCall {
  client: OpenAI;
  model: string;
  baseURL: string | null;
  capability: Capability;
  /** The server turned a format down: the narrator remembers the step, as for a turn. */
  steppedDown: (to: Capability) => void;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  log: (line: string) => void;
  /** Tokens the call took, where the server said: they count towards the turn. */
  spent?: (usage: Usage) => void;
  /** The next turn request's messages but its last: the question follows them (a shared cached prefix). */
  prefix?: ChatMessage[];
}

/** A short call: waiting long for a reading would be worse than reading offline. */
const MAX_WAIT_MS = 15_000;

function body(r: ClassifyRequest, c: ClassifyCall, cap: Capability) {
  const messages = c.prefix?.length ? [...c.prefix, classifyQuestion(r)] : classifyMessages(r);
  const schema = classifySchema(r);
  // Without json_schema the model learns the enum from the prompt (in the question: the prefix stays as it is).
  const last = messages.length - 1;
  if (cap !== 'json_schema') messages[last] = { ...messages[last]!, content: `${messages[last]!.content}\nThe JSON must match: ${JSON.stringify(schema)}` };
  const tokens = schemaFlavour(c.baseURL) === 'strict' ? { max_completion_tokens: CLASSIFY_MAX_TOKENS } : { max_tokens: CLASSIFY_MAX_TOKENS };
  const format = cap === 'json_schema'
    ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'intent', strict: true, schema } } }
    : cap === 'json_object' ? { response_format: { type: 'json_object' as const } } : {};
  return { model: c.model, messages, stream: false as const, temperature: 0, ...tokens, ...format };
}

export async function classifyWithModel(r: ClassifyRequest, c: ClassifyCall): Promise<ClassifyReply | null> {
  const signal = AbortSignal.any([AbortSignal.timeout(Math.min(c.timeoutMs, MAX_WAIT_MS)), ...(c.signal ? [c.signal] : [])]);
  for (let cap: Capability | undefined = c.capability; cap; ) {
    try {
      const res = await c.client.chat.completions.create(body(r, c, cap), { signal, maxRetries: 0 });
      const usage = usageOf(res.usage);
      if (usage) c.spent?.(usage);
      const content = res.choices[0]?.message.content ?? '';
      const parsed = extractJson(content);
      const reply = 'value' in parsed ? ClassifyReply.safeParse(parsed.value) : null;
      if (reply?.success) return reply.data;
      c.log(`intent reading: the model's reply was not valid (${JSON.stringify(content.slice(0, 120))}); reading the input offline`);
      return null;
    } catch (err) {
      c.signal?.throwIfAborted();
      const next: Capability | undefined = LADDER[LADDER.indexOf(cap) + 1];
      if (next && isFormatRejection(err)) {
        c.log(`server rejected response_format ${cap} for the intent call; stepping down to ${next}`);
        c.steppedDown(next);
        cap = next;
        continue;
      }
      c.log(`intent reading failed (${(err as Error).message.slice(0, 120)}); reading the input offline`);
      return null;
    }
  }
  return null;
}

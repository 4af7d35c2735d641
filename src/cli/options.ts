/**
 * Options shared by play and continue, declared once, and the option parsers. Command
 * definitions load this at start-up, so it imports commander only (no zod, no engine).
 */
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { MAX_CONTEXT, MIN_CONTEXT } from '../core/config-keys.js';

/** Commander's way to take a repeatable option (--var a=1 --var b=2) as a list. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

function integer(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  // Beyond 2^53 a number is rounded: "99999999999999999999" would quietly become another number.
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is out of range (whole numbers from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER})`);
  return n;
}

/** A model name: an empty one would be sent as is and fail on the server with a puzzling error. */
function modelName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('a model name cannot be empty');
  return value;
}

function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return n;
}

function contextTokens(value: string): number {
  const n = positiveInteger(value);
  if (n < MIN_CONTEXT) throw new InvalidArgumentError(`"${value}" is too small for a context window (at least ${MIN_CONTEXT} tokens)`);
  if (n > MAX_CONTEXT) throw new InvalidArgumentError(`"${value}" is larger than any model's context window (at most ${MAX_CONTEXT} tokens)`);
  return n;
}

/** `newGame: false` (continue) keeps --var out of the help: a saved game's variables are fixed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander's own Args bound
export function withSessionOptions<A extends any[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, o: { newGame: boolean } = { newGame: true }) {
  return cmd
    .addOption(new Option('--provider <name>', 'narrator: offline (authored script, no network) or openai (any OpenAI-compatible server)').choices(['offline', 'openai'] as const))
    .option('--model <name>', 'model name (env PROMPTQUEST_MODEL; default gpt-4o-mini)', modelName)
    .option('--base-url <url>', 'OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama) (env OPENAI_BASE_URL)')
    .option('--context <n>', "tokens in the model's context window, when the server cannot say (env PROMPTQUEST_CONTEXT; outranks what the server says)", contextTokens)
    .option('--slot <name>', 'save slot name (new games: must not exist yet)')
    .addOption(new Option('--images <mode>', 'image prompts: off, prompt (show the English prompt for Midjourney; the default), generate (make each picture in the background through an images API: config images_base_url, images_model)').choices(['off', 'prompt', 'generate'] as const))
    .option('--seed <n>', 'seed passed to the model, for repeatable replies where the server supports it', integer)
    .addOption(new Option('--var <name=value>', 'set a pack variable, e.g. --var name=Ada (repeatable)').argParser(collect).hideHelp(!o.newGame))
    .option('--no-status', 'hide the status line on a terminal (config: status off)')
    .option('--json', 'print only JSON Lines events on stdout')
    .option('--verbose', 'show each raw model reply and each repair step on stderr');
}

export { contextTokens, integer, modelName, positiveInteger };

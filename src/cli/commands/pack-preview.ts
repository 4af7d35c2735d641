/** `promptquest pack preview <dir>`: the definition; ../pack-preview.ts loads when it runs. */
import { Command } from '@commander-js/extra-typings';
import { collect, contextTokens, modelName } from '../options.js';
import { action } from '../run.js';

export function packPreviewCommand() {
  return new Command('preview')
    .description('show the first request a model would get: system prompt, examples, last message, JSON schema, token estimate, lore')
    .argument('<dir>', 'pack folder (or a pack id)')
    .option('--input <text>', 'the first player input, for scripted packs (default: 1)')
    .option('--var <name=value>', 'set a pack variable (repeatable)', collect)
    .option('--model <name>', 'model name shown in the request', modelName)
    .option('--base-url <url>', 'server the request is for (local servers get a schema with length bounds)')
    .option('--context <n>', "the model's context window in tokens to fit the request to (default: the configured one, else 8192)", contextTokens)
    .option('--json', 'one JSON object: the request body and the report')
    .action(action(async (ref, opts) => (await import('../pack-preview.js')).printPreview(ref, opts)));
}

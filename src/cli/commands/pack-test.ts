/** `promptquest pack test <dir>`: the definition; ../pack-test.ts (and the engine) load when it runs. */
import { Command, Option } from '@commander-js/extra-typings';
import { modelName } from '../options.js';
import { action } from '../run.js';

export function packTestCommand() {
  return new Command('test')
    .description("play the pack's own test playthroughs and check their expectations; exit 1 on any failure")
    .argument('<dir>', 'pack folder (or a pack id)')
    .addOption(new Option('--provider <name>', 'offline (default: the authored script) or openai (the same playthroughs narrated by a model)').choices(['offline', 'openai'] as const))
    .option('--model <name>', 'model name (with --provider openai)', modelName)
    .option('--base-url <url>', 'OpenAI-compatible server (with --provider openai)')
    .option('--json', 'one JSON object per test, then a summary')
    .action(action(async (ref, opts) => (await import('../pack-test.js')).packTest(ref, opts)));
}

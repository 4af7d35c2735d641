/** `promptquest export <slot>`: the definition; the export itself (../export.ts) loads when it runs. */
import { Command, Option } from '@commander-js/extra-typings';
import { action } from '../run.js';

export function exportCommand() {
  return new Command('export')
    .description('write a saved game as a storybook: one self-contained HTML page, Markdown, or plain text')
    .argument('<slot>', 'save slot (yours, or a bundled sample)')
    .addOption(new Option('--format <format>', 'html (one page, pictures embedded), md (Markdown with image links) or txt').choices(['html', 'md', 'txt'] as const).default('html' as const))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--all-branches', 'add the other branches (undone turns, /retry alternatives) after the main line')
    .option('--images-dir <dir>', 'copy the pictures into this folder and link them (default: html embeds them, md links the saved files)')
    .action(action(async (slot, opts) => (await import('../export.js')).exportSave(slot, opts)));
}

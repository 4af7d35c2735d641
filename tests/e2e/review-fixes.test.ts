/**
 * What a hand review of the merged build found, each kept fixed: replay shows the player's own
 * words (a riddle answer as typed, not the placeholder the model was sent), and deleting a save
 * takes its transcript with it (a new game in that slot would append to the old one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonEvents, tempHome } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';

describe('replay', () => {
  it('shows what the player typed, riddle answers included, in text and in --json', async () => {
    const text = await runMain(['replay', 'ruins-sample', '--instant']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^> 风$/m);
    expect(text.stdout).toMatch(/^> 1\. 走向正前方刻着人脸的石门$/m);
    expect(text.stdout).not.toContain('answers the riddle');
    // A Chinese game's replay speaks Chinese around the story too.
    expect(text.stdout).toContain('重看“ruins-sample”（自带的示例）');
    expect(text.stderr).toContain('重看完了。自己玩一局：promptquest play ruins');
    const english = await runMain(['replay', 'lighthouse-sample', '--instant']);
    expect(english.stderr).toContain('End of the replay. Play it yourself: promptquest play lighthouse');
    const json = await runMain(['replay', 'ruins-sample', '--json']);
    const inputs = jsonEvents(json.stdout).filter((e) => e.type === 'input').map((e) => e.text);
    expect(inputs).toContain('稻草');
    expect(inputs.join('\n')).not.toContain('answers the riddle');
  });
});

describe('saves delete', () => {
  it('removes the transcript with the save, so a new game in the same slot starts its own', async () => {
    const home = tempHome();
    expect((await runMain(['play', 'lighthouse', '--slot', 'kept', '--images', 'off'], { home, input: ['Wren', '/transcript on', '1'] })).code).toBe(0);
    const transcript = join(home, 'saves', 'kept.transcript.txt');
    expect(readFileSync(transcript, 'utf8')).toContain('Wren');
    expect((await runMain(['saves', 'delete', 'kept', '--yes'], { home })).code).toBe(0);
    expect(existsSync(transcript)).toBe(false);
  });
});

describe('a Chinese game whose server fails', () => {
  it('says why in Chinese: the line and its advice', async () => {
    const dead = ['--provider', 'openai', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'];
    const zh = await runMain(['play', 'ruins', ...dead], { input: ['1'] });
    expect(zh.code).toBe(1);
    expect(zh.stderr).toMatch(/^promptquest: 连不上模型服务 http:\/\/127\.0\.0\.1:9\/v1（试了 3 次） — 它在运行吗？检查 --base-url/m);
    expect(zh.stderr).not.toMatch(/cannot reach|is it running/);
    // The English line, word for word, is narrator.test.ts's "an unreachable server".
  });
});

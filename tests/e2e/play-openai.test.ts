/**
 * The CLI (in-process) against a real local OpenAI-compatible HTTP server (tests/helpers/openai-server.ts):
 * the real SDK streams SSE over the wire. No mocks, no internet.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome as makeHome, type CliResult } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { intentCallsNone, isIntentCall, startOpenAIServer, validReply, type FakeServer, type RecordedRequest } from '../helpers/openai-server.js';
import { loadPack } from '../../src/adapters/pack-loader.js';
import { renderTemplate } from '../../src/core/template.js';

const tempHome = () => makeHome('pq-e2e-');

const KEY = 'sk-test-1234567890abcdefSECRET';
const FREE_TEXT = 'I search the wreck for anything useful';

let server: FakeServer;
beforeAll(async () => {
  // Intent calls (free text on rails) answer "none": the scripted replies below are for turns.
  server = await startOpenAIServer({ chat: intentCallsNone });
});
afterAll(async () => {
  await server.close();
});

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const chats = (from: number): RecordedRequest[] => server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions' && !isIntentCall(r));
const stderrLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.trim() !== '');
const saveText = (home: string, slot: string) => readFileSync(join(home, 'saves', `${slot}.jsonl`), 'utf8');
const savedTurns = (home: string, slot: string) =>
  saveText(home, slot).trim().split('\n').map((l) => JSON.parse(l) as { type: string }).filter((e) => e.type === 'turn');

describe('play against an OpenAI-compatible server', () => {
  const home = tempHome();

  it('sends a strict json_schema request with the pack prompt and the free text; shows the model narration', async () => {
    const from = server.requests.length;
    server.enqueue(
      { kind: 'ok', reply: validReply({ narration: 'MODEL-ONE: the path climbs into the storm.' }) },
      { kind: 'ok', reply: validReply({ narration: 'MODEL-TWO: you dig through the wreck.' }) },
    );
    const r = await runMain(['play', 'lighthouse', '--base-url', server.baseURL, '--model', 'm', '--slot', 'live'], {
      home,
      input: ['1', FREE_TEXT],
      env: { OPENAI_API_KEY: KEY },
    });
    expect(r.stderr).not.toContain('    at ');
    expect(r.code).toBe(0);

    // The opening of a scripted pack is authored: two inputs, two model calls.
    const sent = chats(from);
    expect(sent).toHaveLength(2);
    for (const req of sent) {
      expect(req.body.model).toBe('m');
      expect(req.body.stream).toBe(true);
      expect(req.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: expect.any(String), strict: true } });
      expect(Object.keys(req.body.response_format.json_schema.schema.properties)).toEqual(
        expect.arrayContaining(['narration', 'choices', 'image_prompt', 'game_over']),
      );
      expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    const pack = loadPack('lighthouse', home);
    const system = renderTemplate(pack.systemTemplate, pack, { name: 'Wren' }).text;
    const messages = sent[1]!.body.messages as { role: string; content: string }[];
    expect(messages[0]).toMatchObject({ role: 'system' });
    expect(messages[0]!.content.startsWith(system)).toBe(true);
    expect(messages.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining(FREE_TEXT) });
    expect(messages[0]!.content).not.toContain(FREE_TEXT);
    expect(sent[0]!.body.messages.at(-1).content).toContain('Climb the cliff path');

    expect(r.stdout).toContain('MODEL-ONE: the path climbs into the storm.');
    expect(r.stdout).toContain('MODEL-TWO: you dig through the wreck.');
    expect(r.stdout).toContain('── Turn 3 ──');
    expect(r.stdout).not.toContain('── Turn 4 ──');
    expect(r.stderr).not.toContain('Playing offline');

    const save = saveText(home, 'live');
    expect(savedTurns(home, 'live')).toHaveLength(3);
    expect(save).not.toContain(KEY);
    expect(save).not.toContain('sk-test');
    expect(JSON.parse(save.split('\n')[0]!)).toMatchObject({ provider: 'openai', model: 'm', base_url: server.baseURL });
  });

  it('a dead server: exit 1 with one line pointing at --base-url; the turns played before stay saved', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const r = await runMain(['continue', 'live', '--base-url', dead], { home, input: ['1'] });
    expect(r.stderr).not.toContain('    at ');
    expect(r.code).toBe(1);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(dead);
    expect(lines[0]).toContain('--base-url');
    expect(r.stdout).toContain('MODEL-TWO'); // resumed where it stood
    expect(savedTurns(home, 'live')).toHaveLength(3);
  });
});

describe('the offline notice', () => {
  it('appears on stderr when neither a key nor a base URL is set', async () => {
    const from = server.requests.length;
    const r = await runMain(['play', 'lighthouse'], { home: tempHome(), input: [] });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Playing offline.*OPENAI_API_KEY.*--base-url/);
    expect(r.stderr).not.toContain('    at ');
    expect(chats(from)).toHaveLength(0);
  });
});

/**
 * Start-up stays light: --help and --version load commander and the command definitions only,
 * and offline play loads no network, prompt or config library. Each case runs the built CLI once
 * with a loader hook that records every module it resolves through import (our code is ESM, so
 * every package it loads comes in that way), and checks the list.
 * (How fast that is, is measured by hand, not here: no timing in tests.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempHome } from '../helpers/cli.js';

const RECORDER = pathToFileURL(join(ROOT, 'tests', 'helpers', 'module-recorder.mjs')).href;

/** The module URLs one run of the CLI resolved, and its exit code. */
async function modulesLoadedBy(args: string[], input?: string[]): Promise<{ code: number | null; urls: string[] }> {
  const home = tempHome('pq-startup-');
  const out = join(home, 'modules.txt');
  const r = await runCli(args, { home, input, env: { NODE_OPTIONS: `--import="${RECORDER}"`, PQ_RECORD_MODULES: out } });
  const urls = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  return { code: r.code, urls };
}

/** "zod", "@inquirer/prompts": the packages (under node_modules) among the URLs. */
function packagesOf(urls: string[]): string[] {
  const names = urls.flatMap((u) => {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    return m?.[1] ? [m[1]] : [];
  });
  return [...new Set(names)].sort();
}

/** Our own modules, as paths under dist/ ("cli/main.js"). */
const ownModules = (urls: string[]) => urls.flatMap((u) => (u.includes('/dist/') && !u.includes('/node_modules/') ? [u.slice(u.lastIndexOf('/dist/') + 6)] : []));

const HEAVY = ['zod', 'yaml', 'openai', '@inquirer/prompts', '@inquirer/core', 'conf', 'chalk', 'jsonrepair'];

describe('start-up', () => {
  const light = [['--help'], ['--version'], ['play', '--help'], ['pack', 'test', '--help']];
  for (const args of light) {
    it(`${args.join(' ')} loads commander and the command definitions only`, async () => {
      const { code, urls } = await modulesLoadedBy(args);
      expect(code).toBe(0);
      expect(ownModules(urls)).toContain('cli/main.js'); // the hook saw the program load
      // (commander itself comes in through require, which this hook does not see.)
      expect(packagesOf(urls).filter((p) => p !== '@commander-js/extra-typings' && p !== 'commander')).toEqual([]);
      expect(HEAVY.filter((p) => packagesOf(urls).includes(p))).toEqual([]);
      // No engine, no adapters, no command implementation: those load when a command runs.
      expect(ownModules(urls).filter((m) => !/^cli\/(main|options|run|version|io|commands\/[\w-]+)\.js$|^core\/(errors|sanitize|config-keys)\.js$/.test(m))).toEqual([]);
    });
  }

  it('offline play loads no openai SDK, no inquirer and no conf (it only reads the config file)', async () => {
    const { code, urls } = await modulesLoadedBy(['play'], []);
    expect(code).toBe(0);
    const packages = packagesOf(urls);
    expect(packages).toContain('yaml'); // the hook sees what a game needs: the pack is YAML
    expect(ownModules(urls)).toContain('engine/game.js');
    expect(packages.filter((p) => p === 'openai' || p === 'conf' || p.startsWith('@inquirer/'))).toEqual([]);
  });
});

/**
 * The system clipboard through whatever tool the machine has (wl-copy, xclip, xsel, pbcopy,
 * clip.exe), tried in turn as a child process: no dependency, and a machine with none of them,
 * or with no display to own a clipboard, is simply skipped.
 */
import { spawn } from 'node:child_process';
import type { Clipboard } from '../engine/ports.js';

interface Tool {
  cmd: string;
  args: string[];
  /** Whether it could work here at all: the X and Wayland tools need a display. */
  usable: (env: NodeJS.ProcessEnv, platform: NodeJS.Platform) => boolean;
}

const TOOLS: Tool[] = [
  { cmd: 'wl-copy', args: [], usable: (env) => Boolean(env.WAYLAND_DISPLAY) },
  { cmd: 'xclip', args: ['-selection', 'clipboard'], usable: (env) => Boolean(env.DISPLAY) },
  { cmd: 'xsel', args: ['-b', '-i'], usable: (env) => Boolean(env.DISPLAY) },
  { cmd: 'pbcopy', args: [], usable: (_env, platform) => platform === 'darwin' },
  { cmd: 'clip.exe', args: [], usable: (env, platform) => platform === 'win32' || Boolean(env.WSL_DISTRO_NAME) },
];

/** A tool that does not answer in this long is given up on (xclip waiting for a dead display). */
const TOOL_TIMEOUT_MS = 2_000;

/** True when the tool took the text and exited cleanly; false when it is missing or failed. */
function tryTool(tool: Tool, text: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(tool.cmd, tool.args, { stdio: ['pipe', 'ignore', 'ignore'], env, detached: false });
    const timer = setTimeout(() => {
      child.kill();
      resolve(false);
    }, TOOL_TIMEOUT_MS);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}

export function systemClipboard(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Clipboard {
  return async (text) => {
    for (const tool of TOOLS.filter((t) => t.usable(env, platform))) {
      if (await tryTool(tool, text, env)) return true;
    }
    return false;
  };
}

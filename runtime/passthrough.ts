import { spawn } from 'node:child_process';
import type { Parsed } from './args.js';

/**
 * Hand the command, unchanged, to runc (or crun): the global flags as given (less --fallback) and every word
 * after them. The exit status (or the signal) is runc's own; the stdio fds are the caller's, so a pass-through
 * container's process is runc's child, reparented to the engine's subreaper when runc exits, as without us.
 */
export function passThrough(p: Parsed): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(p.global.fallback, [...p.globalArgv, ...p.rest], { stdio: 'inherit' });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
    child.on('error', (e) => {
      process.stderr.write(`unik-runtime: cannot run ${p.global.fallback} for a non-unik container: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 1 : 1)));
  });
}

import { spawn } from 'node:child_process';
import { failure } from '../lib/errors.js';
import type { Hook } from './spec.js';

/**
 * Run OCI hooks in order (runtime-spec config.md, "POSIX-platform Hooks"): each gets the container's state JSON on
 * stdin; a non-zero exit or a timeout fails the step. dockerd's network setup arrives as such a hook.
 */
export async function runHooks(hooks: Hook[] | undefined, state: unknown, kind: string): Promise<void> {
  for (const h of hooks ?? []) {
    await new Promise<void>((resolve, reject) => {
      const [argv0, ...args] = h.args?.length ? h.args : [h.path];
      const child = spawn(h.path, args, { argv0, env: Object.fromEntries((h.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
      const timer = h.timeout ? setTimeout(() => child.kill('SIGKILL'), h.timeout * 1000) : null;
      child.on('error', (e) => reject(failure(`${kind} hook ${h.path}: ${e.message}`)));
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (code === 0) resolve();
        else reject(failure(`${kind} hook ${h.path} failed (${signal ?? `exit status ${code}`}): ${err.trim()}`));
      });
      child.stdin!.on('error', () => {});
      child.stdin!.end(JSON.stringify(state));
    });
  }
}

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { childrenOf } from './proc-io.js';

/**
 * Paths that must not outlive this process however it ends: scratch directories of a pull or push, a
 * registry password written for skopeo. Normal exits and thrown errors remove them where they were made
 * (finally blocks); this covers process.exit() and SIGINT/SIGTERM/SIGHUP, which skip those blocks. A SIGKILL
 * cannot be caught: the next command that holds the store's lock sweeps what a dead process left
 * (images/store.ts sweepScratch, oci/creds.ts).
 */
const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODE = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

const removeAll = () => {
  for (const p of pending) rmSync(p, { recursive: true, force: true });
  pending.clear();
};

/**
 * Stop the tools still running (skopeo writing into a scratch directory would recreate it after it is removed),
 * then remove. Each tool runs under `timeout`, which passes a SIGTERM on to everything below it (lib/tied.ts).
 */
function onSignal(sig: (typeof SIGNALS)[number]): void {
  const children = childrenOf(process.pid);
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 2000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (children.some((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid)) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  removeAll();
  process.exit(EXIT_CODE[sig]);
}

const isZombie = (pid: number) => {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ')'));
  } catch {
    return true;
  }
};

/** Remove `path` on any exit until the returned function is called (after the caller removed it itself). */
export function removeOnExit(path: string): () => void {
  if (!pending.size) {
    process.on('exit', removeAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  pending.add(path);
  return () => {
    if (!pending.delete(path) || pending.size) return;
    process.off('exit', removeAll);
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}

import { rmSync } from 'node:fs';

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

function onSignal(sig: (typeof SIGNALS)[number]): void {
  removeAll();
  process.exit(EXIT_CODE[sig]);
}

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

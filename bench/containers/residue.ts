import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a runtime creates outside unik's own tree whatever flags it is given: dockerd's plugin and containerd's
 * shim socket directories, podman's and dockerd's parent cgroups, runc's default state root, podman's blob-info
 * cache. unik notes which exist before it starts the runtime and afterwards removes those it caused.
 * Directories go with rmdir, which never removes anything in use (a busy cgroup or a non-empty directory stays).
 */
export interface Residue {
  sweep(): Promise<void>;
}

/** Pure: `names` (parent cgroups such as "docker") under every cgroup hierarchy. */
export const cgroupDirs = (mounts: string[], names: string[]): string[] => mounts.flatMap((m) => names.map((n) => join(m, n)));

/** Pure: deepest first, so children go before their parents. */
export const deepestFirst = (paths: string[]): string[] =>
  [...paths].sort((a, b) => b.split('/').length - a.split('/').length);

/** A runtime killed mid-run (Ctrl-C) finishes tearing down in the background: give it this long to empty what it made. */
const SETTLE = { tries: 10, delayMs: 200 };

export function watchResidue(paths: string[]): Residue {
  const fresh = deepestFirst(paths.filter((p) => !existsSync(p)));
  const remove = async (p: string): Promise<boolean> => {
    const st = await fsp.lstat(p).catch(() => null);
    if (!st) return true;
    return (st.isFile() ? fsp.rm(p, { force: true }) : fsp.rmdir(p)).then(
      () => true,
      () => false,
    );
  };
  return {
    async sweep() {
      let left = fresh;
      for (let i = 0; i < SETTLE.tries && left.length; i++) {
        if (i) await sleep(SETTLE.delayMs);
        const kept: string[] = [];
        for (const p of left) if (!(await remove(p))) kept.push(p);
        left = kept;
      }
    },
  };
}

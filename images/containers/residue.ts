import { existsSync } from 'node:fs';
import { lstat, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

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

export function watchResidue(paths: string[]): Residue {
  const fresh = deepestFirst(paths.filter((p) => !existsSync(p)));
  return {
    async sweep() {
      for (const p of fresh) {
        const st = await lstat(p).catch(() => null);
        await (st?.isFile() ? rm(p, { force: true }) : rmdir(p)).catch(() => undefined);
      }
    },
  };
}

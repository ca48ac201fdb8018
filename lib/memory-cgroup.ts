import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/**
 * The memory a container used at its peak, read from the cgroup v1 memory controller: every container of a bench
 * runs below one parent cgroup unik creates (runc/crun: cgroupsPath; podman/docker: --cgroup-parent), whose
 * max_usage_in_bytes counts its children. Before a run the high-water mark is reset (to the current usage: what
 * earlier, removed containers still have charged, such as page cache); after it, peak minus that is the run's.
 */
export interface MemoryPeak {
  /** The parent as runtimes take it: a path from the hierarchy's root, e.g. /unik-bench-1a2b3c4d. */
  parent: string;
  /** Before a run: restart the high-water mark. */
  reset(): Promise<void>;
  /** After a run: its peak in KiB above what was charged at the reset. */
  readKiB(): Promise<number>;
}

/** Pure: the memory controller's cgroup v1 mount point in /proc/self/mounts text, or null (cgroup v2 only, or none). */
export function memoryV1Mount(mountsText: string): string | null {
  for (const line of mountsText.split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup' && f[3]?.split(',').includes('memory')) return f[1]!;
  }
  return null;
}

const bytes = async (path: string): Promise<number> => Number((await fsp.readFile(path, 'utf8')).trim());

/**
 * Create the bench's parent memory cgroup under the v1 memory mount; null when there is none (or no permission).
 * Its removal, and that of the copies runtimes make in the other hierarchies, is the caller's residue sweep.
 */
export async function memoryPeak(memoryMount: string | null, name: string): Promise<MemoryPeak | null> {
  if (!memoryMount) return null;
  const dir = join(memoryMount, name);
  try {
    await fsp.mkdir(dir);
  } catch {
    return null;
  }
  let base = 0;
  return {
    parent: `/${name}`,
    async reset() {
      await fsp.writeFile(join(dir, 'memory.max_usage_in_bytes'), '0');
      base = await bytes(join(dir, 'memory.max_usage_in_bytes'));
    },
    async readKiB() {
      return Math.max(0, Math.round(((await bytes(join(dir, 'memory.max_usage_in_bytes'))) - base) / 1024));
    },
  };
}

/** Pure: the podman/docker flags that put a container below the bench's memory cgroup (none without one). */
export const cgroupParentArgv = (memory: Pick<MemoryPeak, 'parent'> | null): string[] => (memory ? ['--cgroup-parent', memory.parent] : []);

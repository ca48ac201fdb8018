import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One mounted cgroup hierarchy: v1 (one or more controllers, or name=systemd) or the v2 unified one. */
export interface Hierarchy {
  mount: string;
  version: 1 | 2;
  controllers: string[];
}

/** Pure: the cgroup hierarchies in /proc/self/mounts text. */
export function hierarchies(mounts: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of mounts.split('\n')) {
    const [, mount, type, opts] = line.split(' ');
    if (type === 'cgroup2') out.push({ mount: mount!, version: 2, controllers: [] });
    else if (type === 'cgroup') out.push({ mount: mount!, version: 1, controllers: opts!.split(',').filter((o) => !['rw', 'ro', 'relatime', 'nosuid', 'nodev', 'noexec'].includes(o)) });
  }
  return out;
}

/**
 * Pure: linux.cgroupsPath as a path below each hierarchy's root. With --systemd-cgroup it is "slice:prefix:name",
 * which systemd places at <slice path>/<prefix>-<name>.scope (a slice a-b.slice lives in a.slice/a-b.slice);
 * this runtime makes that directory itself, as runc's cgroupfs driver would, since systemd may not be running.
 * Without a path the container gets /unik-runtime/<id>, as runc's default is /<id>.
 */
export function cgroupPath(cgroupsPath: string | undefined, systemd: boolean, id: string): string {
  if (!cgroupsPath) return `/unik-runtime/${id}`;
  if (systemd && /^[^/:]*:[^/:]*:[^/:]+$/.test(cgroupsPath)) {
    const [slice, prefix, name] = cgroupsPath.split(':') as [string, string, string];
    const unit = name.endsWith('.slice') ? name : `${prefix ? `${prefix}-` : ''}${name}.scope`;
    const s = slice || 'system.slice';
    const parts = s.replace(/\.slice$/, '').split('-');
    const slices = s === '-.slice' ? [] : parts.map((_, i) => `${parts.slice(0, i + 1).join('-')}.slice`);
    return `/${[...slices, unit].join('/')}`;
  }
  const clean = cgroupsPath.split('/').filter((p) => p && p !== '.' && p !== '..');
  return `/${clean.join('/')}`;
}

const readOr = (p: string): string => {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
};

/** v1 cpuset: a new directory has no cpus or mems until given its parent's, and takes no task until then. */
function mkdirCpuset(dir: string): void {
  if (existsSync(dir)) return;
  mkdirCpuset(dirname(dir));
  mkdirSync(dir);
  for (const f of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(dir, f), readOr(join(dirname(dir), f)));
}

/**
 * Put `pid` into the container's cgroup in every hierarchy, with the memory limit where one is given. Returns the
 * directories, for delete. A hierarchy that refuses (no permission, a read-only mount) is skipped: the guest still
 * runs, as runc's rootless mode does.
 */
export function joinCgroups(path: string, pid: number, memoryLimit: number | null, mounts = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  const dirs: string[] = [];
  for (const h of hierarchies(mounts)) {
    const dir = join(h.mount, path);
    try {
      if (h.controllers.includes('cpuset')) mkdirCpuset(dir);
      else mkdirSync(dir, { recursive: true });
      if (memoryLimit !== null && h.controllers.includes('memory')) writeFileSync(join(dir, 'memory.limit_in_bytes'), String(memoryLimit));
      if (memoryLimit !== null && h.version === 2 && existsSync(join(dir, 'memory.max'))) writeFileSync(join(dir, 'memory.max'), String(memoryLimit));
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      dirs.push(dir);
    } catch {
      continue;
    }
  }
  return dirs;
}

/** The pids in a container's cgroups (its monitor, the reaper and the VMM), in order. */
export function cgroupPids(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const d of dirs) for (const l of readOr(join(d, 'cgroup.procs')).split('\n')) if (/^\d+$/.test(l)) pids.add(Number(l));
  return [...pids].sort((a, b) => a - b);
}

/** SIGKILL everything left in the cgroups, then remove them (polling until the kernel has let every task go). */
export async function removeCgroups(dirs: string[], timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const pid of cgroupPids(dirs)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    const left = dirs.filter((d) => {
      try {
        rmdirSync(d);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code !== 'ENOENT';
      }
    });
    if (!left.length || Date.now() > until) return;
    dirs = left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

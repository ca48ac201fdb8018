import { promises as fsp } from 'node:fs';
import { memoryV1Mount } from '../../lib/memory-cgroup.js';

/** Facts about this host that decide how the container runtimes must be started. */
export interface HostFacts {
  /** cgroup v1 controllers with a cgroup2 hierarchy beside them, and that one using controllers: crun refuses. */
  hybridCgroups: boolean;
  /** Hard limits of this process; null = unlimited or unknown. */
  hardNofile: number | null;
  hardNproc: number | null;
  pidMax: number | null;
  isRoot: boolean;
  /** Where each cgroup hierarchy (v1 controller or cgroup2) is mounted. */
  cgroupMounts: string[];
  /** Where the cgroup v1 memory controller is mounted (containers' peak memory is read there); null if not. */
  memoryV1: string | null;
}

/** Pure: the mount points of cgroup and cgroup2 filesystems in /proc/self/mounts text. */
export function cgroupMountPoints(mountsText: string): string[] {
  return mountsText
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => f[1]!);
}

/** Pure: a hard limit out of /proc/self/limits ("Max open files  20000  20000  files"). */
export function hardLimit(limitsText: string, row: 'Max open files' | 'Max processes'): number | null {
  const line = limitsText.split('\n').find((l) => l.startsWith(row));
  const hard = line?.slice(row.length).trim().split(/\s+/)[1];
  return hard && /^\d+$/.test(hard) ? Number(hard) : null;
}

const read = (path: string): Promise<string | null> => fsp.readFile(path, 'utf8').catch(() => null);

export async function hostFacts(): Promise<HostFacts> {
  const [mounts, v2Controllers, limits, pidMax] = await Promise.all([
    read('/proc/self/mounts'),
    read('/sys/fs/cgroup/unified/cgroup.controllers'),
    read('/proc/self/limits'),
    read('/proc/sys/kernel/pid_max'),
  ]);
  const hybrid = /^\S+ \/sys\/fs\/cgroup\/unified cgroup2 /m.test(mounts ?? '') && /^\S+ \/sys\/fs\/cgroup tmpfs /m.test(mounts ?? '');
  return {
    hybridCgroups: hybrid && (v2Controllers ?? '').trim().length > 0,
    hardNofile: hardLimit(limits ?? '', 'Max open files'),
    hardNproc: hardLimit(limits ?? '', 'Max processes'),
    pidMax: pidMax && /^\d+/.test(pidMax) ? parseInt(pidMax, 10) : null,
    isRoot: process.getuid?.() === 0,
    cgroupMounts: cgroupMountPoints(mounts ?? ''),
    memoryV1: memoryV1Mount(mounts ?? ''),
  };
}

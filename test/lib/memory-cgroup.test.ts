import { describe, expect, it } from 'vitest';
import { cgroupParentArgv, memoryPeak, memoryV1Mount } from '../../lib/memory-cgroup.js';

describe('container peak memory', () => {
  const MOUNTS = [
    'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
    'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
    'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
    'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
  ].join('\n');
  it('finds the cgroup v1 memory controller, and none on a v2-only host', () => {
    expect(memoryV1Mount(MOUNTS)).toBe('/sys/fs/cgroup/memory');
    expect(memoryV1Mount('cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate,memory_recursiveprot 0 0')).toBeNull();
  });
  it('podman and docker get the parent as --cgroup-parent; no memory cgroup, no flag', () => {
    expect(cgroupParentArgv({ parent: '/unik-bench-1' })).toEqual(['--cgroup-parent', '/unik-bench-1']);
    expect(cgroupParentArgv(null)).toEqual([]);
  });
  it('without a v1 memory controller there is nothing to read', async () => {
    expect(await memoryPeak(null, 'unik-bench-x')).toBeNull();
  });
});

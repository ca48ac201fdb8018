import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupMountPoints } from '../../../bench/containers/host.js';
import { cgroupDirs, deepestFirst, watchResidue } from '../../../bench/containers/residue.js';

const MOUNTS = `tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
/dev/vda / ext4 rw,relatime 0 0
`;

describe('parent cgroups', () => {
  it('are looked for under every cgroup hierarchy', () => {
    const mounts = cgroupMountPoints(MOUNTS);
    expect(mounts).toEqual(['/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified']);
    expect(cgroupDirs(mounts, ['libpod_parent/conmon', 'libpod_parent'])).toEqual([
      '/sys/fs/cgroup/memory/libpod_parent/conmon',
      '/sys/fs/cgroup/memory/libpod_parent',
      '/sys/fs/cgroup/unified/libpod_parent/conmon',
      '/sys/fs/cgroup/unified/libpod_parent',
    ]);
  });
  it('are removed children first', () => {
    expect(deepestFirst(['/a', '/a/b/c', '/x', '/a/b'])).toEqual(['/a/b/c', '/a/b', '/a', '/x']);
  });
});

describe('watchResidue', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes only what appeared, and leaves a directory that is not empty', async () => {
    dir = mkdtempSync(join(tmpdir(), 'unik-residue-'));
    const old = join(dir, 'old');
    mkdirSync(old);
    const paths = [old, join(dir, 'new'), join(dir, 'new', 'cache.db'), join(dir, 'busy')];
    const residue = watchResidue(paths);
    mkdirSync(join(dir, 'new'));
    writeFileSync(join(dir, 'new', 'cache.db'), 'x');
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'someone-elses'), 'x');
    await residue.sweep();
    expect(existsSync(old)).toBe(true);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(existsSync(join(dir, 'busy', 'someone-elses'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { kernelKey, kernelMakeArgv, patchIds, unikObjectGccArgv } from '../../../targets/osv/kernel-cache.js';

const args = ['conf_drivers_hpet=1', 'conf_drivers_profile=base'];

describe('kernelKey', () => {
  it('changes with the OSv commit, the driver flags and the root filesystem, and nothing else', () => {
    const k = kernelKey('a'.repeat(40), args, 'rofs');
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(kernelKey('a'.repeat(40), args, 'rofs')).toBe(k);
    expect(kernelKey('b'.repeat(40), args, 'rofs')).not.toBe(k);
    expect(kernelKey('a'.repeat(40), [...args, 'conf_drivers_virtio_blk=1'], 'rofs')).not.toBe(k);
    expect(kernelKey('a'.repeat(40), args, 'ramfs')).not.toBe(k);
    expect(kernelKey('a'.repeat(40), [...args, 'conf_networking_stack=0'], 'rofs')).not.toBe(k);
  });

  it("changes with the source of each unik object the kernel links, and keeps the old keys of kernels linking none", () => {
    const k = kernelKey('a'.repeat(40), args, 'rofs', { 'unik-no-net-sockets': '1'.repeat(64) });
    expect(kernelKey('a'.repeat(40), args, 'rofs', { 'unik-no-net-sockets': '2'.repeat(64) })).not.toBe(k);
    expect(kernelKey('a'.repeat(40), args, 'rofs', {})).toBe(kernelKey('a'.repeat(40), args, 'rofs'));
  });

  it('changes with the patches applied to its tree (file and content), and keeps the old keys of unpatched kernels', () => {
    const k = kernelKey('a'.repeat(40), args, 'rofs', {}, patchIds([{ file: '0001-x.patch', sha256: '1'.repeat(64) }]));
    expect(k).not.toBe(kernelKey('a'.repeat(40), args, 'rofs'));
    expect(kernelKey('a'.repeat(40), args, 'rofs', {}, patchIds([{ file: '0001-x.patch', sha256: '2'.repeat(64) }]))).not.toBe(k);
    expect(kernelKey('a'.repeat(40), args, 'rofs', {}, [])).toBe(kernelKey('a'.repeat(40), args, 'rofs'));
  });
});

describe('unikObjectGccArgv', () => {
  it('compiles like the kernel: an object, not position-independent, no stack protector', () => {
    expect(unikObjectGccArgv('/u/targets/osv/c/x.c', '/osv/build/o/x.o')).toEqual(['-c', '-O2', '-fno-pie', '-fno-stack-protector', '-o', '/osv/build/o/x.o', '/u/targets/osv/c/x.c']);
  });
});

describe('kernelMakeArgv', () => {
  it('configures a new out dir first, then builds the kernel with an empty bootfs into build/unik-<key>.x64', () => {
    const a = kernelMakeArgv('0123456789abcdef', args, 'rofs', 2);
    expect(a.outDir).toBe('build/unik-0123456789abcdef.x64');
    expect(a.config).toEqual(['-f', 'conf/Makefile', '-j1', 'out=build/unik-0123456789abcdef.x64', ...args, 'config']);
    expect(a.headers).toEqual(['-j1', 'out=build/unik-0123456789abcdef.x64', ...args, 'generated-headers']);
    expect(a.build).toEqual(['-j2', 'out=build/unik-0123456789abcdef.x64', ...args, 'fs=rofs', 'bootfs_manifest=bootfs_empty.manifest.skel', 'all', 'build/unik-0123456789abcdef.x64/loader-stripped.elf']);
  });

  it('for a ramfs app, takes the app manifest as bootfs (a path relative to the OSv checkout)', () => {
    const a = kernelMakeArgv('0123456789abcdef', args, 'ramfs', 2, '../../builds/x/root-fs/usr.manifest');
    expect(a.build).toContain('bootfs_manifest=../../builds/x/root-fs/usr.manifest');
  });
});

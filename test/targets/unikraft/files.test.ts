import { describe, expect, it } from 'vitest';
import { qemuArgv } from '../../../machine/qemu-argv.js';
import type { Devices } from '../../../manifest/devices.js';
import { unikraftAppend, unikraftBoot } from '../../../targets/unikraft/boot.js';
import { unikraftDrivers } from '../../../targets/unikraft/drivers.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/h/www', dest: '/www' }] };

describe('files and env on Unikraft', () => {
  it('extracts the initrd into the ramfs root, mounts shares over it, and passes env as env.vars', () => {
    expect(unikraftAppend(consoleOnly, ['/etc/x'], { initrd: true })).toBe('vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] -- /etc/x');
    expect(unikraftAppend(share, [], { initrd: true })).toBe('vfs.fstab=[ "initrd0:/:extract::ramfs=1:" "fs0:/www:9pfs:::mkmp" ] --');
    expect(unikraftAppend(consoleOnly, ['a'], { env: { GREETING: 'hi there', LANG: 'C' } })).toBe('env.vars=[ "GREETING=hi there" "LANG=C" ] -- a');
  });

  it('compiles in vfscore, ramfs and ukcpio for files, posix-environ with its parameter for env, nothing without them', () => {
    expect(unikraftDrivers(consoleOnly, { files: true }).settings).toMatchObject({ LIBVFSCORE: 'y', LIBRAMFS: 'y', LIBUKCPIO: 'y', LIBVFSCORE_AUTOMOUNT_UP: 'y' });
    expect(unikraftDrivers(consoleOnly, { env: true }).settings).toMatchObject({ LIBPOSIX_ENVIRON: 'y', LIBPOSIX_ENVIRON_LIBPARAM: 'y', LIBVFSCORE: 'n' });
    expect(unikraftDrivers(consoleOnly).settings).not.toHaveProperty('LIBUKCPIO');
  });

  it('hands QEMU the stored initrd', () => {
    const spec = unikraftBoot({ name: 'k', platform: 'qemu/x86_64', kernel: '/img/k', files: { initrd: '/img/files.cpio' }, memoryMiB: 32, bootSettings: {}, hostTscKhz: null }, consoleOnly, []);
    const argv = qemuArgv(spec, 'tcg');
    expect(argv.slice(argv.indexOf('-initrd'), argv.indexOf('-initrd') + 2)).toEqual(['-initrd', '/img/files.cpio']);
  });
});

import { describe, expect, it } from 'vitest';
import { interpretExit } from '../../../machine/exit.js';
import { qemuArgv } from '../../../machine/qemu-argv.js';
import type { BootInput } from '../../../targets/target.js';
import type { Devices } from '../../../manifest/devices.js';
import { netmask, OSV_BOOTED, osvAppend, osvBoot } from '../../../targets/osv/boot.js';
import { CRASH_EXIT_PORT } from '../../../targets/osv/patches.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const image: BootInput = { name: 'hello-osv', platform: 'qemu/x86_64', kernel: '/img/loader-stripped.elf', files: { disk: '/img/usr.img' }, memoryMiB: 256, bootSettings: { fs: 'rofs' }, hostTscKhz: null };

describe('osvAppend', () => {
  it('verbose (for the exit status), the root fs, the app at /<name>, each argument quoted', () => {
    expect(osvAppend('hello-osv', 'rofs', ['world', 'a;b', 'x & y'])).toBe('--verbose --rootfs=rofs /hello-osv "world" "a;b" "x & y"');
    expect(osvAppend('hello-osv', 'rofs', ['world'], null, false)).toBe('--rootfs=rofs /hello-osv "world"');
  });

  it('refuses arguments that would break out of the quotes (exit 2, naming the argument)', () => {
    for (const bad of ['say "hi"', 'back\\slash', 'new\nline']) {
      expect(() => osvAppend('a', 'rofs', ['ok', bad])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^args\[1\]:/) }));
    }
  });
});

describe('netmask', () => {
  it('spells a prefix length as a dotted mask, /0 and /32 included', () => {
    expect([24, 16, 0, 32, 20].map(netmask)).toEqual(['255.255.255.0', '255.255.0.0', '0.0.0.0', '255.255.255.255', '255.255.240.0']);
  });
});

describe('osvBoot', () => {
  const spec = osvBoot(image, consoleOnly, ['world']);

  it('boots the kernel directly on pc/SeaBIOS with the rofs disk read-only on virtio-blk, no debug-exit device', () => {
    const argv = qemuArgv(spec, 'tcg');
    expect(argv.slice(0, 2)).toEqual(['-M', 'pc']);
    expect(argv).not.toContain('-bios');
    expect(argv.join(' ')).not.toContain('isa-debug-exit');
    expect(argv).toContain('/img/loader-stripped.elf');
    expect(argv).toContain('file=/img/usr.img,if=none,id=rootfs,format=raw,readonly=on');
    expect(argv).toContain('virtio-blk-pci,drive=rootfs');
    expect(argv[argv.indexOf('-append') + 1]).toBe('--verbose --rootfs=rofs /hello-osv "world"');
  });

  it('turns off ACPI PCI hotplug, whose AML OSv would otherwise interpret at every boot', () => {
    expect(spec.machine).toMatchObject({ type: 'pc', noPciHotplug: true });
    expect(qemuArgv(spec, 'tcg')).toEqual(expect.arrayContaining(['-global', 'PIIX4_PM.acpi-root-pci-hotplug=off']));
  });

  it('boots a kernel built to find its HPET without ACPI with no ACPI at all (and no hotplug flags, which need it)', () => {
    const noAcpi = osvBoot({ ...image, bootSettings: { fs: 'rofs', acpi: 'off' } }, consoleOnly, []);
    expect(noAcpi.machine).toEqual({ type: 'pc', debugExit: null, noAcpi: true });
    const argv = qemuArgv(noAcpi, 'tcg');
    expect(argv.slice(0, 4)).toEqual(['-M', 'pc', '-machine', 'acpi=off']);
    expect(argv).not.toContain('-global');
  });

  it("boots that kernel with ACPI when the caller stops it with the power button (unik-runtime's stop); QMP where asked", () => {
    const withButton = osvBoot({ ...image, bootSettings: { fs: 'rofs', acpi: 'off' }, powerButton: true }, consoleOnly, []);
    expect(withButton.machine).toEqual({ type: 'pc', debugExit: null, noPciHotplug: true, powerButton: true });
    const argv = qemuArgv({ ...withButton, qmp: '/run/unik-runtime/.qmp/0123456789abcdef.sock' }, 'tcg');
    expect(argv).not.toContain('acpi=off');
    expect(argv.slice(-2)).toEqual(['-qmp', 'unix:/run/unik-runtime/.qmp/0123456789abcdef.sock,server=on,wait=off']);
  });

  it('follows the root filesystem stored with the image, never a guess from the files (a rofs image without its disk is refused)', () => {
    const ramfs = osvBoot({ ...image, files: {}, bootSettings: { fs: 'ramfs' } }, consoleOnly, []);
    expect(ramfs.append).toBe('--verbose --rootfs=ramfs /hello-osv');
    expect(ramfs.disks).toEqual([]);
    expect(osvBoot({ ...image, bootSettings: { fs: 'ramfs' } }, consoleOnly, []).disks).toEqual([]);
    expect(() => osvBoot({ ...image, files: {} }, consoleOnly, [])).toThrow(/stored with its disk/);
  });

  it('with a net device: static address, gateway and nameserver before the app, and one virtio-net NIC with every port on 127.0.0.1', () => {
    const net: Devices = {
      ...consoleOnly,
      net: { ports: [{ host: 8180, guest: 80, protocol: 'tcp' }, { host: 8181, guest: 8080, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' },
    };
    const argv = qemuArgv(osvBoot(image, net, ['80']), 'tcg');
    expect(argv[argv.indexOf('-append') + 1]).toBe('--verbose --rootfs=rofs --ip=eth0,10.0.2.15,255.255.255.0 --defaultgw=10.0.2.2 --nameserver=10.0.2.3 /hello-osv "80"');
    expect(argv).toContain('user,id=net0,hostfwd=tcp:127.0.0.1:8180-:80,hostfwd=tcp:127.0.0.1:8181-:8080');
    expect(argv.filter((a) => a.startsWith('virtio-net'))).toEqual(['virtio-net-pci,netdev=net0,romfile=']);
  });

  it('marks "kernel booted" at the line OSv prints right after its end-of-boot signal', () => {
    expect(new RegExp(OSV_BOOTED, 'm').test('OSv v0.57\r\nBooted up in 0.00 ms\r\nCmdline: /x\r\n')).toBe(true);
  });

  it('maps a clean power-off to 0, or to the non-zero status main() returned', () => {
    expect(interpretExit(spec, 0, null, 'Booted up in 0.00 ms\r\nhi\r\n')).toEqual({ code: 0, how: 'powered off' });
    expect(interpretExit(spec, 0, null, 'hi\r\nprogram /hello-osv returned 3\r\nVFS: unmounting /dev\r\n')).toEqual({ code: 3, how: 'guest exit code 3' });
    expect(interpretExit(spec, 0, null, 'program /hello-osv returned -1\r\n').code).toBe(255);
    expect(interpretExit(spec, 1, null, 'program /hello-osv returned 3\r\n').code).toBe(1);
  });

  it('reads a status passed to exit() as well as one main() returned', () => {
    expect(interpretExit(spec, 0, null, 'hi\r\nprogram exited with status 7\r\nPowering off.\r\n')).toEqual({ code: 7, how: 'guest exit code 7' });
  });
});

describe('osvBoot, kernel with patch 0003 (status reported without --verbose)', () => {
  const quiet = osvBoot({ ...image, bootSettings: { fs: 'rofs', acpi: 'off', status: 'quiet' } }, consoleOnly, ['world']);

  it('boots without --verbose, with isa-debug-exit at the port the patched abort() writes to', () => {
    const argv = qemuArgv(quiet, 'tcg');
    expect(argv[argv.indexOf('-append') + 1]).toBe('--rootfs=rofs /hello-osv "world"');
    expect(argv).toContain(`isa-debug-exit,iobase=0x${CRASH_EXIT_PORT.toString(16)},iosize=0x4`);
  });

  it('still reads 0 and non-zero statuses from the console, and a crash from QEMU\'s status 3', () => {
    expect(interpretExit(quiet, 0, null, 'Booted up in 0.00 ms\r\nhi\r\n')).toEqual({ code: 0, how: 'powered off' });
    expect(interpretExit(quiet, 0, null, 'hi\r\nprogram /hello-osv returned 3\r\n')).toEqual({ code: 3, how: 'guest exit code 3' });
    expect(interpretExit(quiet, 3, null, 'Aborted\r\n')).toEqual({ code: 1, how: 'crashed (OSv abort)' });
    // Without the patch a status 3 means nothing known.
    expect(interpretExit(osvBoot(image, consoleOnly, []), 3, null, 'Aborted\r\n').how).toBe('qemu exited with status 3');
  });
});

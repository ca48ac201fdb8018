import { interpretExit } from '../../../machine/exit.js';
import { describe, expect, it } from 'vitest';
import type { BootInput } from '../../../targets/target.js';
import type { Devices } from '../../../manifest/devices.js';
import { qemuArgv } from '../../../machine/qemu-argv.js';
import { unikraftAppend, unikraftBoot } from '../../../targets/unikraft/boot.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const net: Devices = { ...consoleOnly, net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/h/www', dest: '/www' }] };
const image: BootInput = { name: 'k', platform: 'qemu/x86_64', kernel: '/img/k', files: {}, memoryMiB: 16, bootSettings: {}, hostTscKhz: null };

describe('unikraftAppend', () => {
  it('console-only kernels parse no parameters: the line is argv as is, quoted where needed', () => {
    expect(unikraftAppend(consoleOnly, ['world', 'big world'])).toBe('world "big world"');
  });

  it('net passes the static address as netdev.ip before "--"', () => {
    expect(unikraftAppend(net, ['x'])).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 -- x');
  });

  it('shares mount over a ramfs root with the tags from Devices', () => {
    expect(unikraftAppend(share, [])).toBe('vfs.fstab=[ "none:/:ramfs" "fs0:/www:9pfs:::mkmp" ] --');
  });
});

describe('unikraftBoot', () => {
  it('console only boots on microvm without a local APIC (so the PIT reaches it); a virtio device needs pc', () => {
    expect(unikraftBoot(image, consoleOnly, []).machine).toMatchObject({ type: 'microvm', noApic: true });
    expect(qemuArgv(unikraftBoot(image, consoleOnly, []), 'tcg')).toContain('max,-apic');
    expect(unikraftBoot(image, net, []).machine).toEqual({ type: 'pc', debugExit: expect.anything() });
    expect(unikraftBoot(image, share, []).machine.type).toBe('pc');
  });

  it('hands the patched kernel the host TSC frequency as fw_cfg opt/unik/tsc_khz, and nothing when it is unknown', () => {
    const argv = qemuArgv(unikraftBoot({ ...image, hostTscKhz: 2445399 }, consoleOnly, []), 'tcg');
    expect(argv.slice(argv.indexOf('-fw_cfg'), argv.indexOf('-fw_cfg') + 2)).toEqual(['-fw_cfg', 'name=opt/unik/tsc_khz,string=2445399']);
    expect(qemuArgv(unikraftBoot(image, consoleOnly, []), 'tcg')).not.toContain('-fw_cfg');
  });

  it('maps Unikraft halt and crash codes', () => {
    const { exit } = unikraftBoot(image, consoleOnly, []);
    expect(exit.statuses['83']).toEqual({ code: 0, how: 'halted' });
    expect(exit.statuses['85']!.code).toBe(1);
    expect(exit.statuses['0']!.code).toBe(0);
  });

  it("reads a non-zero app status from patch 0002's console line (QEMU status 87), 255 apart from a clean halt", () => {
    const spec = unikraftBoot(image, consoleOnly, []);
    const line = (n: number) => `Hello\nunik: app exit status ${n}\n`;
    for (const n of [1, 3, 42, 127, 128, 255]) expect(interpretExit(spec, 87, null, line(n))).toEqual({ code: n, how: `guest exit code ${n}` });
    expect(interpretExit(spec, 83, null, 'Hello\n')).toEqual({ code: 0, how: 'halted' });
    expect(interpretExit(spec, 0, null, 'Hello\n')).toEqual({ code: 0, how: 'powered off' });
    expect(interpretExit(spec, 85, null, '')).toMatchObject({ code: 1 });
    // 87 without the line (a garbled console): a failure, never a made-up status.
    expect(interpretExit(spec, 87, null, 'Hello\n')).toEqual({ code: 1, how: 'stopped without reporting an exit status (status 87)' });
  });
});

import { describe, expect, it } from 'vitest';
import type { QemuBootSpec } from '../../machine/boot-spec.js';
import { deviceArgv, qemuArgv } from '../../machine/qemu-argv.js';
import type { Devices } from '../../manifest/devices.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const twoPorts: Devices = {
  ...consoleOnly,
  net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }, { host: 8081, guest: 80, protocol: 'tcp' }, { host: 5353, guest: 53, protocol: 'udp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' },
};

const spec = (over: Partial<QemuBootSpec> = {}): QemuBootSpec => ({
  kind: 'qemu',
  kernel: '/img/k',
  append: 'a b',
  memoryMiB: 16,
  machine: { type: 'microvm', debugExit: { iobase: 0x501, iosize: 2 } },
  devices: consoleOnly,
  disks: [],
  exit: { statuses: { '83': { code: 0, how: 'halted' } }, debugExitDecodes: true },
  ...over,
});

const pairs = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));

describe('qemuArgv', () => {
  it('console only: no defaults, serial on stdio, no reboot, no NIC, no disk', () => {
    const argv = qemuArgv(spec(), 'tcg');
    expect(argv.slice(0, 2)).toEqual(['-M', 'microvm']);
    expect(argv).toEqual(expect.arrayContaining(['-nodefaults', '-no-reboot', '-serial', 'stdio', '-display', 'none']));
    expect(pairs(argv, '-accel')).toEqual(['tcg']);
    expect(pairs(argv, '-cpu')).toEqual(['max']);
    expect(pairs(argv, '-m')).toEqual(['16M']);
    expect(pairs(argv, '-kernel')).toEqual(['/img/k']);
    expect(pairs(argv, '-append')).toEqual(['a b']);
    expect(pairs(argv, '-device')).toEqual(['isa-debug-exit,iobase=0x501,iosize=0x2']);
    expect(argv).not.toContain('-netdev');
  });

  it('KVM uses the host CPU model; a guest that needs its PIC interrupts direct gets a CPU without local APIC', () => {
    expect(pairs(qemuArgv(spec(), 'kvm'), '-cpu')).toEqual(['host']);
    const noApic = spec({ machine: { type: 'microvm', debugExit: null, noApic: true } });
    expect([pairs(qemuArgv(noApic, 'tcg'), '-cpu'), pairs(qemuArgv(noApic, 'kvm'), '-cpu')]).toEqual([['max,-apic'], ['host,-apic']]);
  });

  it('a pc guest that asks for no PCI hotplug gets none from PIIX4_PM; other machines never see the flag', () => {
    expect(pairs(qemuArgv(spec({ machine: { type: 'pc', debugExit: null, noPciHotplug: true } }), 'tcg'), '-global')).toEqual([
      'PIIX4_PM.acpi-pci-hotplug-with-bridge-support=off',
      'PIIX4_PM.acpi-root-pci-hotplug=off',
    ]);
    expect(pairs(qemuArgv(spec({ machine: { type: 'pc', debugExit: null } }), 'tcg'), '-global')).toEqual([]);
    expect(pairs(qemuArgv(spec({ machine: { type: 'microvm', debugExit: null, noPciHotplug: true } }), 'tcg'), '-global')).toEqual([]);
  });

  it('a pc guest without ACPI gets -machine acpi=off and no PIIX4_PM flags (the device is gone); microvm never sees it', () => {
    const argv = qemuArgv(spec({ machine: { type: 'pc', debugExit: null, noAcpi: true, noPciHotplug: true } }), 'tcg');
    expect(pairs(argv, '-machine')).toEqual(['acpi=off']);
    expect(pairs(argv, '-global')).toEqual([]);
    expect(pairs(qemuArgv(spec({ machine: { type: 'microvm', debugExit: null, noAcpi: true } }), 'tcg'), '-machine')).toEqual([]);
  });

  it('several ports ride ONE NIC, each forwarded from 127.0.0.1 only', () => {
    const argv = deviceArgv(twoPorts, 'pc');
    expect(pairs(argv, '-netdev')).toEqual([
      'user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:8081-:80,hostfwd=udp:127.0.0.1:5353-:53',
    ]);
    expect(pairs(argv, '-device')).toEqual(['virtio-net-pci,netdev=net0,romfile=']);
  });

  it('unik-runtime\'s net: ports listening on the address it names, QEMU\'s network in another subnet', () => {
    const net = { ...twoPorts.net!, listen: '0.0.0.0', guestIp: '10.0.99.15', gateway: '10.0.99.2', prefix: 24, nameserver: '10.0.99.3' };
    expect(pairs(deviceArgv({ ...twoPorts, net }, 'pc'), '-netdev')).toEqual([
      'user,id=net0,net=10.0.99.2/24,host=10.0.99.2,dns=10.0.99.3,hostfwd=tcp:0.0.0.0:8080-:80,hostfwd=tcp:0.0.0.0:8081-:80,hostfwd=udp:0.0.0.0:5353-:53',
    ]);
  });

  it('block and share devices become virtio-blk and virtio-9p with the tags decided in Devices', () => {
    const argv = deviceArgv({ ...consoleOnly, block: [{ name: 'data', file: '/a/d,1.img' }], share: [{ tag: 'fs0', source: '/a/www', dest: '/www' }] }, 'pc');
    expect(pairs(argv, '-drive')).toEqual(['file=/a/d,,1.img,if=none,id=blk-data,format=raw']);
    expect(pairs(argv, '-fsdev')).toEqual(['local,id=fs0,path=/a/www,security_model=none']);
    expect(pairs(argv, '-device')).toEqual(['virtio-blk-pci,drive=blk-data', 'virtio-9p-pci,fsdev=fs0,mount_tag=fs0']);
  });

  it('microvm gets virtio-mmio device models', () => {
    expect(pairs(deviceArgv(twoPorts, 'microvm'), '-device')).toEqual(['virtio-net-device,netdev=net0']);
  });

  it('pc-qboot selects the qboot firmware', () => {
    const argv = qemuArgv(spec({ machine: { type: 'pc-qboot', debugExit: null } }), 'tcg');
    expect(argv.slice(0, 4)).toEqual(['-M', 'pc', '-bios', '/usr/share/qemu/qboot.rom']);
  });
});

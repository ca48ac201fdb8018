import { describe, expect, it } from 'vitest';
import type { BootInput } from '../../../targets/target.js';
import { interpretExit } from '../../../machine/exit.js';
import { qemuArgv } from '../../../machine/qemu-argv.js';
import type { Devices } from '../../../manifest/devices.js';
import { mirageBoot, mirageRuntimeArgs, virtioMachine } from '../../../targets/mirage/boot.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const net: Devices = { ...consoleOnly, net: { ports: [{ host: 18080, guest: 8080, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
const block: Devices = { ...consoleOnly, block: [{ name: 'storage', file: '/data/disk.img' }] };
const image = (platform: BootInput['platform'], files: Record<string, string> = {}, memoryMiB = 32): BootInput =>
  ({ name: 'app', platform, kernel: `/img/app.${platform}`, files, memoryMiB, bootSettings: {}, hostTscKhz: null });

describe('mirageRuntimeArgs', () => {
  it('gives a NIC the static user-network address, IPv4 only (IPv6 DAD costs ~1 s), then the app arguments', () => {
    expect(mirageRuntimeArgs(net, ['--hello=x'])).toEqual(['--ipv4=10.0.2.15/24', '--ipv4-gateway=10.0.2.2', '--ipv4-only=true', '--hello=x']);
    expect(mirageRuntimeArgs(consoleOnly, [])).toEqual([]);
  });

  it('boots quiet (no Solo5 banner) only an image whose Solo5 keeps its exit line when quiet; Solo5 options the app names first follow unik\'s', () => {
    const quiet = { solo5Log: 'quiet' };
    expect(mirageRuntimeArgs(consoleOnly, [], quiet)).toEqual(['--solo5:quiet']);
    expect(mirageRuntimeArgs(net, ['--hello=x'], quiet)).toEqual(['--solo5:quiet', '--ipv4=10.0.2.15/24', '--ipv4-gateway=10.0.2.2', '--ipv4-only=true', '--hello=x']);
    // Solo5 reads its options only at the start of the command line, the last one winning: the banner comes back.
    expect(mirageRuntimeArgs(net, ['--solo5:info', '--hello=x', '--solo5:debug'], quiet)).toEqual([
      '--solo5:quiet', '--solo5:info', '--ipv4=10.0.2.15/24', '--ipv4-gateway=10.0.2.2', '--ipv4-only=true', '--hello=x', '--solo5:debug',
    ]);
    expect(mirageRuntimeArgs(consoleOnly, ['--solo5:debug'], quiet)).toEqual(['--solo5:quiet', '--solo5:debug']);
    expect(mirageRuntimeArgs(consoleOnly, ['--solo5:infox'], quiet)).toEqual(['--solo5:quiet', '--solo5:infox']);
    expect(mirageRuntimeArgs(consoleOnly, ['-l', '*:debug'], {})).toEqual(['-l', '*:debug']);
  });
});

describe('mirageBoot', () => {
  it('spt runs through the tender stored with the image: memory, disks by Solo5 name, image, runtime args', () => {
    const spec = mirageBoot(image('spt', { tender: '/img/solo5-spt' }), block, ['--logs=*:debug']);
    expect(spec).toMatchObject({
      kind: 'tender',
      tender: '/img/solo5-spt',
      args: ['--mem=32', '--block:storage=/data/disk.img', '/img/app.spt', '--logs=*:debug'],
      machine: 'spt',
    });
  });

  it('hvt uses its own tender the same way', () => {
    expect(mirageBoot(image('hvt', { tender: '/img/solo5-hvt' }), consoleOnly, [])).toMatchObject({ kind: 'tender', tender: '/img/solo5-hvt', args: ['--mem=32', '/img/app.hvt'], needsKvm: true });
    expect(mirageBoot(image('spt', { tender: '/t' }), consoleOnly, [])).toMatchObject({ needsKvm: false });
  });

  it('refuses a tender image without its tender (exit 2)', () => {
    expect(() => mirageBoot(image('spt'), consoleOnly, [])).toThrow(/stored with its Solo5 tender/);
  });

  it('gives the tender the memory of this run (run --memory), not the image default', () => {
    expect(mirageBoot(image('spt', { tender: '/t' }, 128), consoleOnly, [])).toMatchObject({ args: ['--mem=128', '/img/app.spt'], memoryMiB: 128 });
  });

  it('virtio boots under QEMU: microvm without a local APIC for console only (Solo5\'s PIT timer must reach the CPU), pc (SeaBIOS, PCI) for a NIC or disk', () => {
    const c = mirageBoot(image('virtio'), consoleOnly, ['a b']);
    expect(c).toMatchObject({ kind: 'qemu', kernel: '/img/app.virtio', append: '"a b"', machine: { type: 'microvm', debugExit: { iobase: 0x501, iosize: 2 }, noApic: true } });
    expect(qemuArgv(c as Extract<typeof c, { kind: 'qemu' }>, 'tcg').join(' ')).toContain('-M microvm -accel tcg -cpu max,-apic');
    expect(virtioMachine(net)).toEqual({ type: 'pc', debugExit: { iobase: 0x501, iosize: 2 } });
    expect(virtioMachine(block).type).toBe('pc');
    const n = mirageBoot(image('virtio'), net, []);
    expect(n.kind === 'qemu' && n.append).toBe('--ipv4=10.0.2.15/24 --ipv4-gateway=10.0.2.2 --ipv4-only=true');
    const argv = qemuArgv(n as Extract<typeof n, { kind: 'qemu' }>, 'tcg');
    expect(argv.join(' ')).toContain('-netdev user,id=net0,hostfwd=tcp:127.0.0.1:18080-:8080 -device virtio-net-pci,netdev=net0,romfile=');
    const b = mirageBoot(image('virtio'), block, []);
    expect(qemuArgv(b as Extract<typeof b, { kind: 'qemu' }>, 'tcg').join(' ')).toContain('-device virtio-blk-pci,drive=blk-storage');
  });
});

describe('Solo5 exit statuses', () => {
  it('virtio: QEMU says 83 for every solo5_exit, so the code comes from the console line', () => {
    const spec = mirageBoot(image('virtio'), consoleOnly, []);
    expect(interpretExit(spec, 83, null, 'Hello\nSolo5: solo5_exit(0) called\n')).toEqual({ code: 0, how: 'exited' });
    expect(interpretExit(spec, 83, null, 'Solo5: solo5_exit(64) called\n')).toEqual({ code: 64, how: 'guest exit code 64' });
    expect(interpretExit(spec, 83, null, 'Solo5: solo5_abort() called\n')).toEqual({ code: 1, how: 'stopped without reporting an exit status (status 83)' });
    expect(interpretExit(spec, 1, null, '')).toEqual({ code: 1, how: 'qemu exited with status 1' });
  });

  it('a quiet virtio boot still reads its status: the patched Solo5 prints the exit line at every level', () => {
    const spec = mirageBoot({ ...image('virtio'), bootSettings: { solo5Log: 'quiet' } }, consoleOnly, ['x']);
    expect(spec).toMatchObject({ kind: 'qemu', append: '--solo5:quiet x' });
    expect(interpretExit(spec, 83, null, 'Hello\nSolo5: solo5_exit(3) called\n')).toEqual({ code: 3, how: 'guest exit code 3' });
    const spt = mirageBoot({ ...image('spt', { tender: '/t' }), bootSettings: { solo5Log: 'quiet' } }, consoleOnly, []);
    expect(spt).toMatchObject({ args: ['--mem=32', '/img/app.spt', '--solo5:quiet'] });
  });

  it('tenders pass the guest status through; 255 is solo5_abort', () => {
    const spec = mirageBoot(image('spt', { tender: '/t' }), consoleOnly, []);
    expect(interpretExit(spec, 0, null)).toEqual({ code: 0, how: 'exited' });
    expect(interpretExit(spec, 64, null)).toEqual({ code: 64, how: 'guest exit code 64' });
    expect(interpretExit(spec, 255, null)).toEqual({ code: 1, how: 'solo5_abort' });
  });
});

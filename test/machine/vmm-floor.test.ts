import { describe, expect, it } from 'vitest';
import { qemuArgv } from '../../machine/qemu-argv.js';
import { floorKey, floorShape, floorSpec } from '../../machine/vmm-floor.js';
import { probeSpec } from '../../machine/probe-spec.js';

describe('the VMM floor', () => {
  const pairs = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
  it('boots the probe guest with the image\'s machine type, accelerator and memory', () => {
    const argv = qemuArgv(floorSpec('/p/probe-guest', { machine: 'pc', accel: 'tcg', memoryMiB: 256 }), 'tcg');
    expect(argv.slice(0, 2)).toEqual(['-M', 'pc']);
    expect(pairs(argv, '-m')).toEqual(['256M']);
    expect(pairs(argv, '-kernel')).toEqual(['/p/probe-guest']);
    expect(pairs(argv, '-append')).toEqual(['exit=0']);
    // The probe guest reports its exit code through isa-debug-exit at 0xf4.
    expect(pairs(argv, '-device')).toEqual(['isa-debug-exit,iobase=0xf4,iosize=0x4']);
  });
  it('is cached per machine type, accelerator and memory', () => {
    expect(floorKey({ machine: 'microvm', accel: 'tcg', memoryMiB: 8 })).toBe('microvm/tcg/8M');
    expect(floorKey({ machine: 'microvm', accel: 'kvm', memoryMiB: 8 })).not.toBe(floorKey({ machine: 'microvm', accel: 'tcg', memoryMiB: 8 }));
    expect(floorKey({ machine: 'microvm', accel: 'tcg', memoryMiB: 32, noApic: true })).toBe('microvm/tcg/32M/no-apic');
  });
  it('takes the CPU without a local APIC from an image that has one (Solo5 virtio on microvm)', () => {
    const image = { ...probeSpec('/img/kernel'), memoryMiB: 32, machine: { type: 'microvm' as const, debugExit: { iobase: 0x501, iosize: 2 }, noApic: true } };
    const shape = floorShape(image, 'tcg');
    expect(shape).toEqual({ machine: 'microvm', accel: 'tcg', memoryMiB: 32, noApic: true });
    const [floor, img] = [qemuArgv(floorSpec('/p/probe-guest', shape), 'tcg'), qemuArgv(image, 'tcg')];
    for (const flag of ['-M', '-accel', '-cpu', '-m']) expect(pairs(floor, flag)).toEqual(pairs(img, flag));
    expect(floorShape({ ...image, machine: { type: 'pc', debugExit: null } }, 'tcg')).toEqual({ machine: 'pc', accel: 'tcg', memoryMiB: 32 });
  });
  it('takes the pc without ACPI PCI hotplug from an image that has one (OSv), so the firmware tables match', () => {
    const image = { ...probeSpec('/img/kernel'), memoryMiB: 256, machine: { type: 'pc' as const, debugExit: null, noPciHotplug: true } };
    const shape = floorShape(image, 'tcg');
    expect(shape).toEqual({ machine: 'pc', accel: 'tcg', memoryMiB: 256, noPciHotplug: true });
    expect(floorKey(shape)).toBe('pc/tcg/256M/no-pci-hotplug');
    expect(pairs(qemuArgv(floorSpec('/p/probe-guest', shape), 'tcg'), '-global')).toEqual(pairs(qemuArgv(image, 'tcg'), '-global'));
  });
  it('takes the pc without ACPI from an image that has none (a patched OSv): SeaBIOS then builds no tables either', () => {
    const image = { ...probeSpec('/img/kernel'), memoryMiB: 256, machine: { type: 'pc' as const, debugExit: null, noAcpi: true } };
    const shape = floorShape(image, 'tcg');
    expect(floorKey(shape)).toBe('pc/tcg/256M/no-acpi');
    expect(pairs(qemuArgv(floorSpec('/p/probe-guest', shape), 'tcg'), '-machine')).toEqual(['acpi=off']);
  });
});

import type { QemuBootSpec } from './boot-spec.js';

/** isa-debug-exit port the probe guest writes its exit code to; QEMU then exits with (code << 1) | 1. */
export const PROBE_EXIT_PORT = 0xf4;

/**
 * Pure: the probe guest (a 5 KB multiboot kernel that reports CPU features and exits at once) as a boot spec,
 * so the KVM probe, the RDSEED check and the VMM floor all get their QEMU argv from qemuArgv like any guest.
 */
export function probeSpec(guest: string): QemuBootSpec {
  return {
    kind: 'qemu',
    kernel: guest,
    append: 'exit=0',
    memoryMiB: 8,
    machine: { type: 'microvm', debugExit: { iobase: PROBE_EXIT_PORT, iosize: 4 } },
    devices: { console: true, net: null, block: [], share: [] },
    disks: [],
    exit: { statuses: {}, debugExitDecodes: true },
  };
}

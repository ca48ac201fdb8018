import type { Devices } from '../targets/devices.js';

export type Accel = 'kvm' | 'tcg';

/** What a QEMU exit status means for a given guest: data, so a detached supervisor can apply it too. */
export interface ExitMeaning {
  code: number;
  how: string;
}

export interface ExitMap {
  /** QEMU exit status → meaning. */
  statuses: Record<string, ExitMeaning>;
  /** isa-debug-exit statuses not listed: guest code = (status - 1) / 2. */
  debugExitDecodes: boolean;
}

/** The machine a target wants: decided by the target from the image's devices (pure). */
export interface QemuMachine {
  /** 'microvm' | 'pc' (SeaBIOS) | 'pc-qboot' */
  type: 'microvm' | 'pc' | 'pc-qboot';
  /** isa-debug-exit device, when the guest signals its exit through it. */
  debugExit: { iobase: number; iosize: number } | null;
}

/** Everything the runner needs to start one guest, from which the QEMU argv is built. */
export interface BootSpec {
  kernel: string;
  /** The whole kernel command line (-append). */
  append: string;
  memoryMiB: number;
  machine: QemuMachine;
  devices: Devices;
  exit: ExitMap;
  /** Extra disks the target boots with (e.g. an OSv root filesystem), attached as virtio-blk. */
  disks: { id: string; file: string; readOnly: boolean }[];
}

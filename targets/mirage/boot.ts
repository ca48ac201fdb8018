import type { BootSpec, ExitMap, QemuMachine } from '../../machine/boot-spec.js';
import { tscFwCfg } from '../../machine/host-tsc.js';
import { usageError } from '../../lib/errors.js';
import type { Devices } from '../../manifest/devices.js';
import type { BootInput } from '../target.js';

/**
 * Solo5's virtio platform_exit() writes 41 to port 0x501 for every exit, so QEMU always ends with 83;
 * the real status is only on the console ("Solo5: solo5_exit(N) called").
 */
const VIRTIO_EXIT: ExitMap = {
  statuses: { '83': { code: 0, how: 'solo5_exit' } },
  debugExitDecodes: false,
  consoleCode: { statuses: [83], pattern: 'Solo5: solo5_exit\\((\\d+)\\) called' },
};

/** The tenders return the guest's own status; solo5_abort() makes it 255. */
const TENDER_EXIT: ExitMap = {
  statuses: { '255': { code: 1, how: 'solo5_abort' } },
  debugExitDecodes: false,
  passthrough: true,
};

/** Pure: the mirage runtime arguments: the static address on QEMU's user network, then the app's own. */
export function mirageRuntimeArgs(devices: Devices, args: string[]): string[] {
  const net = devices.net
    ? // IPv6 duplicate-address detection delays the stack by ~1 s; the user network is IPv4 anyway.
      [`--ipv4=${devices.net.guestIp}/${devices.net.prefix}`, `--ipv4-gateway=${devices.net.gateway}`, '--ipv4-only=true']
    : [];
  return [...net, ...args];
}

/**
 * Pure: the QEMU machine for a Solo5 virtio image. Solo5 waits for its timer on the PIT, whose interrupt comes
 * through the 8259 PIC; the PIC reaches the CPU through the local APIC only in the virtual-wire mode SeaBIOS
 * sets up, so on microvm (and qboot) the first sleep never woke. Without a local APIC the PIC's interrupt goes
 * straight to the CPU: console-only images keep microvm, the fastest start. Virtio devices are PCI devices whose
 * I/O BARs and interrupt lines Solo5 takes from the firmware: those need pc with SeaBIOS.
 */
export function virtioMachine(devices: Devices): QemuMachine {
  const debugExit = { iobase: 0x501, iosize: 2 };
  return devices.net || devices.block.length ? { type: 'pc', debugExit } : { type: 'microvm', debugExit, noApic: true };
}

/** Pure: how to boot a MirageOS image: spt/hvt through the Solo5 tender stored with it, virtio through QEMU. */
export function mirageBoot(input: BootInput, devices: Devices, args: string[]): BootSpec {
  const runtime = mirageRuntimeArgs(devices, args);
  if (input.platform === 'virtio') {
    return {
      kind: 'qemu',
      kernel: input.kernel,
      append: runtime.map((a) => (/\s/.test(a) || a === '' ? `"${a}"` : a)).join(' '),
      memoryMiB: input.memoryMiB,
      machine: virtioMachine(devices),
      devices,
      disks: [],
      // Read by a Solo5 built with toolchains/mirage/fixups/0001-solo5-tsc-frequency-from-fw-cfg.patch (an unpatched one
      // ignores it and calibrates).
      fwCfg: tscFwCfg(input.hostTscKhz),
      exit: VIRTIO_EXIT,
    };
  }
  const tender = input.files.tender;
  if (!tender) throw usageError(`image: expected a MirageOS ${input.platform} image stored with its Solo5 tender, found ${input.name} without one (rebuild it)`);
  return {
    kind: 'tender',
    tender,
    args: [
      `--mem=${input.memoryMiB}`,
      ...devices.block.map((b) => `--block:${b.name}=${b.file}`),
      input.kernel,
      ...runtime,
    ],
    machine: input.platform,
    needsKvm: input.platform === 'hvt',
    memoryMiB: input.memoryMiB,
    devices,
    exit: TENDER_EXIT,
  };
}

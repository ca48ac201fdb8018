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

/** The image's bootSettings key saying its Solo5 still logs how it exited when told --solo5:quiet. */
export const SOLO5_LOG_SETTING = 'solo5Log';

/** Solo5's log-level options (bindings/cmdline.c); it reads them only at the start of the command line. */
const SOLO5_OPTION = /^--solo5:(quiet|error|warn|info|debug)$/;

/**
 * Pure: the command line Solo5 gets: its own options, then the mirage runtime arguments (the static address on
 * QEMU's user network, then the app's own). Solo5 prints a banner and memory map at start; on virtio that is ~650
 * bytes written one port write at a time (~9 ms of a TCG boot), so images whose Solo5 keeps its exit line at every
 * level (toolchains/mirage/fixups/0004) boot quiet. An app that names Solo5 options first (`--solo5:info` brings the
 * banner back) gets them after unik's, where the last one wins.
 */
export function mirageRuntimeArgs(devices: Devices, args: string[], bootSettings: Record<string, string> = {}): string[] {
  const net = devices.net
    ? // IPv6 duplicate-address detection delays the stack by ~1 s; the user network is IPv4 anyway.
      [`--ipv4=${devices.net.guestIp}/${devices.net.prefix}`, `--ipv4-gateway=${devices.net.gateway}`, '--ipv4-only=true']
    : [];
  const own = args.findIndex((a) => !SOLO5_OPTION.test(a));
  const solo5 = own === -1 ? args : args.slice(0, own);
  const quiet = bootSettings[SOLO5_LOG_SETTING] === 'quiet' ? ['--solo5:quiet'] : [];
  return [...quiet, ...solo5, ...net, ...args.slice(solo5.length)];
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
  const runtime = mirageRuntimeArgs(devices, args, input.bootSettings);
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

import type { QemuBootSpec } from '../../machine/boot-spec.js';
import { tscFwCfg } from '../../machine/host-tsc.js';
import type { Devices } from '../../manifest/devices.js';
import type { BootInput } from '../target.js';

/**
 * Unikraft's x86 shutdown writes 41 (halt: QEMU status 83) or 42 (crash: 85) to QEMU's default isa-debug-exit
 * port; on pc an ACPI power-off (status 0) comes first. unik's patch 0002 writes 43 (status 87) when the app's
 * status is not 0, after printing it on the console: QEMU's status has 7 usable bits, too few for 256 app
 * statuses next to halt and crash, so 87 means "the status is the console's last APP_STATUS line".
 */
const DEBUG_EXIT = { iobase: 0x501, iosize: 2 };
const APP_STATUS = 'unik: app exit status (\\d+)';

/** The image's bootSettings key naming the program an app-elfloader kernel runs (its guest path). */
export const PROGRAM_SETTING = 'program';

/**
 * Kernel parameters, then "--", then app arguments (quoted where they hold spaces: ukargparse splits on them).
 * Only kernels with libuklibparam (net or share) parse parameters; for the others the whole line is argv,
 * so no "--" is added.
 */
export function unikraftAppend(devices: Devices, args: string[], app: { initrd?: boolean; env?: Record<string, string> } = {}): string {
  const params: string[] = [];
  const env = Object.entries(app.env ?? {});
  if (devices.net) params.push(`netdev.ip=${devices.net.guestIp}/${devices.net.prefix}:${devices.net.gateway}`);
  if (devices.share.length || app.initrd) {
    // `files` arrive as a cpio initrd, extracted into the ramfs root before the shares are mounted over it.
    const root = app.initrd ? `"initrd0:/:extract::ramfs=1:"` : `"none:/:ramfs"`;
    const entries = [root, ...devices.share.map((s) => `"${s.tag}:${s.dest}:9pfs:::mkmp"`)];
    params.push(`vfs.fstab=[ ${entries.join(' ')} ]`);
  }
  if (env.length) params.push(`env.vars=[ ${env.map(([k, v]) => `"${k}=${v}"`).join(' ')} ]`);
  const appArgs = args.map((a) => (/\s/.test(a) || a === '' ? `"${a}"` : a));
  const parsesParams = !!devices.net || devices.share.length > 0 || !!app.initrd || env.length > 0;
  return (parsesParams ? [...params, '--', ...appArgs] : appArgs).join(' ');
}

/**
 * Pure: how to boot a Unikraft image. Console-only kernels take microvm (fastest here) with a CPU without a local
 * APIC: Unikraft 0.16.3 takes its timer from the PIT through the 8259 PIC, whose line microvm's firmware leaves
 * masked at the APIC, so a sleeping app would never wake. Anything with a virtio device needs PCI, so pc with
 * SeaBIOS (qboot hangs probing virtio-net-pci). app-elfloader kernels boot on microvm too: the assertion they
 * hit there (libkvmplat memory.c:388, a memory region overlapping with other flags, which microvm's and qboot's
 * firmware report) is the one every unik Unikraft kernel compiles out (LIBUKDEBUG_ENABLE_ASSERT=n, drivers.ts).
 */
export function unikraftBoot(input: BootInput, devices: Devices, args: string[]): QemuBootSpec {
  const needsPci = !!devices.net || devices.block.length > 0 || devices.share.length > 0;
  const initrd = input.files.initrd;
  // An app-elfloader image: its first argument is the program's path in the initrd (and argv[0]'s base name).
  const program = input.bootSettings[PROGRAM_SETTING];
  return {
    kind: 'qemu',
    kernel: input.kernel,
    append: unikraftAppend(devices, program ? [program, ...args] : args, { initrd: !!initrd, ...(input.env ? { env: input.env } : {}) }),
    ...(initrd ? { initrd } : {}),
    memoryMiB: input.memoryMiB,
    machine: needsPci ? { type: 'pc', debugExit: DEBUG_EXIT } : { type: 'microvm', debugExit: DEBUG_EXIT, noApic: true },
    devices,
    disks: [],
    // Read by the patched tscclock (patches/0001-…): the host's TSC frequency instead of a 100 ms calibration.
    fwCfg: tscFwCfg(input.hostTscKhz),
    exit: {
      statuses: {
        '0': { code: 0, how: 'powered off' },
        '83': { code: 0, how: 'halted' },
        '85': { code: 1, how: 'crashed (Unikraft panic)' },
      },
      debugExitDecodes: false,
      consoleCode: { statuses: [87], pattern: APP_STATUS },
    },
  };
}

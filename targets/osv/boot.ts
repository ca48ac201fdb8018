import type { QemuBootSpec } from '../../machine/boot-spec.js';
import { usageError } from '../../lib/errors.js';
import type { Devices, NetDevice } from '../../manifest/devices.js';
import type { BootInput } from '../target.js';
import { osvFs, type OsvFs } from './drivers.js';
import { CRASH_EXIT_PORT } from './patches.js';

/** OSv prints this right after it signals "boot done" (the port 0x3f0 write firecracker listens for). */
export const OSV_BOOTED = '^Booted up in ';

/**
 * How OSv reports a non-zero status before powering off: returned by main() ("program /app returned N") or
 * passed to exit() ("program exited with status N"). Only with --verbose, unless patch 0003 is in the kernel.
 */
export const OSV_APP_STATUS = '^program (?:\\S+ returned|exited with status) (-?\\d+)';

/** The guest path of the app in the image: the image name, which the schema limits to [a-z0-9-]. */
export const guestPath = (name: string) => `/${name}`;

/** Pure: a prefix length as the dotted netmask OSv's --ip takes. */
export function netmask(prefix: number): string {
  // JS shifts count modulo 32, so /0 is spelled out.
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

/**
 * Pure: OSv's static addressing for its one NIC (eth0). Without --ip OSv runs DHCP, which costs seconds of
 * boot under TCG; QEMU's user network answers at fixed addresses anyway.
 */
export const osvNetOptions = (net: NetDevice | null): string[] =>
  net ? [`--ip=eth0,${net.guestIp},${netmask(net.prefix)}`, `--defaultgw=${net.gateway}`, `--nameserver=${net.nameserver}`] : [];

/**
 * Pure: the app's environment as OSv's loader options. OSv splits its options at blanks and takes "\ " for a
 * blank inside one; the manifest allows no backslash, quote or control character in a value.
 */
export const osvEnvOptions = (env: Record<string, string>): string[] =>
  Object.entries(env).map(([k, v]) => `--env=${k}=${v.replace(/ /g, '\\ ')}`);

/**
 * Pure: OSv's command line. Options, then the app and its arguments, each in double quotes: unquoted,
 * OSv's parser would read ';', '&' and '!' in an argument as command separators. `verbose`: for a kernel that
 * reports the app's exit status only with --verbose (see OSV_APP_STATUS).
 */
export function osvAppend(name: string, rootfs: OsvFs, args: string[], net: NetDevice | null = null, verbose = true, env: Record<string, string> = {}): string {
  const quoted = args.map((a, i) => {
    if (/["\\\x00-\x1f]/.test(a)) throw usageError(`args[${i}]: expected no '"', '\\' or control characters for an OSv app, found ${JSON.stringify(a)}`);
    return `"${a}"`;
  });
  return [...(verbose ? ['--verbose'] : []), `--rootfs=${rootfs}`, ...osvNetOptions(net), ...osvEnvOptions(env), guestPath(name), ...quoted].join(' ');
}

/**
 * Pure: how to boot an OSv image. -kernel skips the disk boot through SeaBIOS (about 3 s under TCG); the root
 * filesystem is a virtio-blk disk. pc with SeaBIOS: qboot leaves PCI BARs unassigned and OSv asserts.
 */
export function osvBoot(input: BootInput, devices: Devices, args: string[]): QemuBootSpec {
  const fs = osvFs(input.bootSettings.fs);
  const disk = input.files.disk;
  // A kernel with patch 0003 reports the app's status without --verbose (whose boot chatter costs ~9 ms through
  // the UART under TCG) and ends a crash through isa-debug-exit; older images keep --verbose.
  const quiet = input.bootSettings.status === 'quiet';
  if (fs === 'rofs' && !disk) throw usageError(`image: expected an OSv rofs image stored with its disk, found ${input.name} without one (rebuild it)`);
  return {
    kind: 'qemu',
    kernel: input.kernel,
    append: osvAppend(input.name, fs, args, devices.net, !quiet, input.env),
    memoryMiB: input.memoryMiB,
    // A kernel patched to find its HPET without ACPI boots with none: no ACPICA start-up, tables or S5 AML, unless
    // the caller wants OSv's ACPI power button. Otherwise: nothing is hot-plugged into a unik guest; without the
    // hotplug AML, OSv's ACPI start-up is shorter.
    machine: {
      type: 'pc',
      debugExit: quiet ? { iobase: CRASH_EXIT_PORT, iosize: 4 } : null,
      ...(input.bootSettings.acpi === 'off' && !input.powerButton ? { noAcpi: true } : { noPciHotplug: true, powerButton: true }),
    },
    devices,
    disks: fs === 'rofs' && disk ? [{ id: 'rootfs', file: disk, readOnly: true }] : [],
    bootedMarker: OSV_BOOTED,
    exit: {
      // OSv powers off (QEMU status 0) whatever main() returned: a non-zero status is on the console. With patch
      // 0003, abort() writes 1 to CRASH_EXIT_PORT: QEMU exits with (1 << 1) | 1.
      statuses: { '0': { code: 0, how: 'powered off' }, ...(quiet ? { '3': { code: 1, how: 'crashed (OSv abort)' } } : {}) },
      debugExitDecodes: false,
      consoleCode: { statuses: [0], pattern: OSV_APP_STATUS, silentMeansStatus: true },
    },
  };
}

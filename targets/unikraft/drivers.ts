import type { Devices } from '../../manifest/devices.js';
import type { DriverSet } from '../target.js';
import type { SourceName } from '../../sources/cache.js';

type Kconfig = Record<string, string>;

/**
 * Console only: the KVM platform with its serial console. VGA is off (nobody looks at it under -nographic),
 * size optimisation and dead-code elimination are on. Asserts are off: 0.16.3 asserts on an overlap in the
 * memory map that qboot and microvm firmware report, and the fast firmwares are the point of a unikernel.
 * Nothing here pulls in a random-number library: ukrandom needs RDSEED, which QEMU's TCG lacks.
 */
const CONSOLE: Kconfig = {
  PLAT_KVM: 'y',
  KVM_VMM_QEMU: 'y',
  KVM_KERNEL_SERIAL_CONSOLE: 'y',
  KVM_DEBUG_SERIAL_CONSOLE: 'y',
  KVM_KERNEL_VGA_CONSOLE: 'n',
  KVM_DEBUG_VGA_CONSOLE: 'n',
  OPTIMIZE_SIZE: 'y',
  OPTIMIZE_DEADELIM: 'y',
  LIBUKDEBUG_ENABLE_ASSERT: 'n',
  // The console shows the app's output only (and bench compares it with the container twin's).
  LIBUKBOOT_BANNER_NONE: 'y',
};

/** PCI transport, shared by every virtio device on QEMU's pc machine. */
const VIRTIO_PCI: Kconfig = { LIBUKBUS_PCI: 'y', LIBVIRTIO_PCI: 'y', LIBVIRTIO_MMIO: 'n' };

/** virtio-net + lwIP with a static address taken from `netdev.ip=` on the kernel command line. */
const NET: Kconfig = {
  ...VIRTIO_PCI,
  LIBUKNETDEV: 'y',
  LIBUKNETDEV_EINFO_LIBPARAM: 'y',
  LIBVIRTIO_NET: 'y',
  LIBLWIP: 'y',
  LWIP_UKNETDEV: 'y',
  LWIP_TCP: 'y',
  LWIP_UDP: 'y',
  LWIP_THREADS: 'y',
  LWIP_SOCKET: 'y',
  LWIP_AUTOIFACE: 'y',
  LWIP_IPV4: 'y',
  LWIP_DHCP: 'n',
  LIBPOSIX_FDIO: 'y',
  LIBUKSCHED: 'y',
  LIBUKSCHEDCOOP: 'y',
};

const BLOCK: Kconfig = { ...VIRTIO_PCI, LIBUKBLKDEV: 'y', LIBVIRTIO_BLK: 'y' };

/** 9p host shares, mounted from `vfs.fstab=` on the kernel command line over a ramfs root. */
const SHARE: Kconfig = {
  ...VIRTIO_PCI,
  LIBVFSCORE: 'y',
  LIBRAMFS: 'y',
  LIBVFSCORE_AUTOMOUNT_UP: 'y',
  LIBUKLIBPARAM: 'y',
  LIBUK9P: 'y',
  LIB9PFS: 'y',
  LIBVIRTIO_9P: 'y',
};

/** `files`: a cpio initrd extracted into a ramfs root, from `vfs.fstab=` on the kernel command line. */
const FILES: Kconfig = { LIBVFSCORE: 'y', LIBRAMFS: 'y', LIBUKCPIO: 'y', LIBVFSCORE_AUTOMOUNT_UP: 'y', LIBUKLIBPARAM: 'y' };

/** `env`: posix-environ, its variables taken from `env.vars=` on the kernel command line. */
const ENV: Kconfig = { LIBPOSIX_ENVIRON: 'y', LIBPOSIX_ENVIRON_LIBPARAM: 'y', LIBUKLIBPARAM: 'y' };

/** Leaving the API library off is what keeps PLAT_KVM from implying its virtio driver. */
const OFF: Kconfig = { LIBUKNETDEV: 'n', LIBUKBLKDEV: 'n', LIBUK9P: 'n', LIB9PFS: 'n', LIBVFSCORE: 'n' };

/** Declared devices (and `files`/`env`) → Kconfig symbols and the external libraries they need. Pure. */
export function unikraftDrivers(devices: Devices, app: { files?: boolean; env?: boolean } = {}): DriverSet {
  const settings: Kconfig = {
    ...OFF,
    ...CONSOLE,
    ...(devices.net ? NET : {}),
    ...(devices.block.length ? BLOCK : {}),
    ...(devices.share.length ? SHARE : {}),
    ...(app.files ? FILES : {}),
    ...(app.env ? ENV : {}),
  };
  const requires: SourceName[] = devices.net ? ['lib-lwip'] : [];
  return { settings, requires };
}

/**
 * Which enabled symbols of a final .config count as drivers (device-facing code): consoles, buses,
 * virtio devices, device APIs, and random-number sources. Read back after the build, not assumed.
 */
const DRIVER_SYMBOL =
  /^(KVM_(KERNEL|DEBUG)_(SERIAL|VGA)_CONSOLE|LIBUKBUS_\w+|LIBVIRTIO_\w+|LIBUKNETDEV|LIBUKBLKDEV|LIBUK9P|LIB9PFS|LIBUKRANDOM|LIBUKSWRAND|LIBNS16550|LIBUKCONSOLE\w*|LIBLWIP)$/;

export function driversFromConfig(config: string): string[] {
  return enabledSymbols(config).filter((s) => DRIVER_SYMBOL.test(s));
}

export function enabledSymbols(config: string): string[] {
  return [...config.matchAll(/^CONFIG_([A-Z0-9_]+)=y$/gm)].map((m) => m[1]!).sort();
}

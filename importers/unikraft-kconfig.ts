/**
 * What a Unikraft Kconfig option in a Kraftfile means for unik. unik writes the kernel's Kconfig itself from
 * the devices (targets/unikraft/drivers.ts), so options are read for the device they ask for, not copied.
 */
export type KconfigMeaning =
  | { kind: 'device'; device: 'net' | 'share' | 'block' }
  /** unik sets this itself (platform, bus, scheduler, libc, console): nothing to carry over. */
  | { kind: 'unik' }
  /** A driver unik does not model: the translation stops here. */
  | { kind: 'driver' }
  /** Anything else: left out, and said so. */
  | { kind: 'other' };

/** Option name (without CONFIG_) → meaning, first match wins. The README's mapping table mirrors this list. */
const TABLE: [RegExp, KconfigMeaning][] = [
  [/^(LIBLWIP|LWIP_\w+|LIBUKNETDEV(_\w+)?|LIBVIRTIO_NET)$/, { kind: 'device', device: 'net' }],
  [/^(LIB9PFS|LIBUK9P|LIBVIRTIO_9P|LIBVFSCORE(_AUTOMOUNT(_UP)?)?)$/, { kind: 'device', device: 'share' }],
  [/^(LIBUKBLKDEV(_\w+)?|LIBVIRTIO_BLK)$/, { kind: 'device', device: 'block' }],
  [/^(PLAT_KVM|KVM_VMM_QEMU|ARCH_X86_64|KVM_KERNEL_SERIAL_CONSOLE|KVM_DEBUG_SERIAL_CONSOLE|LIBVIRTIO_PCI|LIBVIRTIO_BUS|LIBVIRTIO_RING|LIBUKBUS(_PCI)?|LIBUKTTY_NS16550\w*|LIBUKINTCTLR(_APIC|_XPIC)?|LIBNOLIBC|LIBPOSIX_\w+|LIBUKSCHED(COOP)?|LIBUKLIBPARAM|LIBUKSWRAND\w*)$/, { kind: 'unik' }],
  [/^(LIBVIRTIO_\w+|VIRTIO_\w+|KVM_\w*VGA_CONSOLE|LIBUKCONSOLE_VGA|RTC_\w+|TAP_\w+|PLAT_XEN|XEN_\w+|LIBXEN\w*|PLAT_LINUXU|KVM_VMM_FIRECRACKER|LIBUKRANDOM\w*|LIBUKTTY_PL011\w*|LIBUKINTCTLR_GIC\w*|LIBUKBUS_PLATFORM\w*)$/, { kind: 'driver' }],
];

/** Pure: an option's meaning. Takes the name with or without its CONFIG_ prefix. */
export function kconfigMeaning(option: string): KconfigMeaning {
  const name = option.replace(/^CONFIG_/, '');
  return TABLE.find(([re]) => re.test(name))?.[1] ?? { kind: 'other' };
}

/** Pure: whether a Kconfig value switches an option on (bools and tristates). */
export const enables = (value: string) => value === 'y' || value === 'm';

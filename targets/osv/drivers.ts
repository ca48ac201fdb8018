import { usageError } from '../../lib/errors.js';
import type { Devices } from '../../manifest/devices.js';
import type { DriverSet } from '../target.js';

export type OsvFs = 'rofs' | 'ramfs';

/** The root filesystem, decided here only: the manifest's (or the stored image's) choice, rofs by default. */
export const osvFs = (fs: string | undefined): OsvFs => (fs === 'ramfs' ? 'ramfs' : 'rofs');

/**
 * Console only, as far as TCG allows: the base profile has no drivers at all, but without kvmclock (TCG) OSv
 * needs HPET to boot, HPET pulls in ACPI and PCI, and ACPI does not link without pvpanic.
 */
const CONSOLE = { conf_drivers_profile: 'base', conf_drivers_hpet: '1', conf_drivers_pvpanic: '1' };

/**
 * Why devices.share is refused for OSv, in one line. Probed here: QEMU 7.2's vhost-user-fs-pci does connect
 * to Debian's virtiofsd under TCG (with a shared memfd memory backend); what is missing is the runner's side.
 */
export const SHARE_REFUSAL = "OSv reads host directories over virtio-fs, which needs a virtiofsd daemon beside QEMU and guest memory shared with it; unik's runner does not start one yet";

/** virtio-blk over PCI; on x64 the virtio code always links virtio-scsi, which needs the SCSI core. */
const BLOCK = { conf_drivers_virtio_blk: '1', conf_drivers_scsi: '1' };

/**
 * virtio-net over PCI. OSv's network stack is in every kernel (conf_networking_stack defaults to y); this
 * registers the NIC driver. Any virtio driver links virtio-scsi, hence the SCSI core here too.
 */
const NET = { conf_drivers_virtio_net: '1', conf_drivers_scsi: '1' };

/**
 * unik's own C files a kernel links (targets/osv/c/<name>.c), compiled into its out directory: OSv's make
 * expands $(out) when it links, and puts conf_linker_extra_options after its own inputs.
 */
export const UNIK_OBJECTS = ['unik-no-net-sockets'] as const;
export type UnikObject = (typeof UNIK_OBJECTS)[number];
function unikObjectArg(name: UnikObject): string {
  return `$(out)/${name}.o`;
}

/** Pure: the unik objects a kernel's make arguments link. */
export const unikObjectsIn = (makeArgs: string[]): UnikObject[] => UNIK_OBJECTS.filter((n) => makeArgs.some((a) => a.startsWith('conf_linker_extra_options=') && a.includes(unikObjectArg(n))));

/**
 * No NIC, no network stack: OSv's Kconfig networking_stack (default y) initialises the BSD stack at every boot
 * (about 9 % of a TCG boot) even with no NIC. Without it the kernel has no AF_INET sockets (AF_UNIX and pipes
 * stay); an app that wants any, even on loopback, declares devices.net. The pinned OSv's io_uring calls the
 * socket functions regardless, so such a kernel also links unik's stubs for them (c/unik-no-net-sockets.c).
 */
const NO_NET_STACK = { conf_networking_stack: '0', conf_linker_extra_options: unikObjectArg('unik-no-net-sockets') };

/**
 * No tracepoints: OSv's Kconfig tracepoints (default y) registers every tracepoint of the kernel in global
 * constructors at each boot, about 1,600 translated blocks under TCG. Only the loader options --trace, --strace
 * and --sampler use them, and unik passes none, so a unik kernel could never enable one.
 */
const NO_TRACEPOINTS = { conf_tracepoints: '0' };

/** Declared devices (+ the root filesystem) → OSv's conf_* make variables. Pure. */
export function osvDrivers(devices: Devices, fs: OsvFs): DriverSet {
  if (devices.share.length) throw usageError(`devices.share: expected no host shares for target osv (${SHARE_REFUSAL})`);
  const blockDisk = fs === 'rofs' || devices.block.length > 0;
  return { settings: { ...CONSOLE, ...NO_TRACEPOINTS, ...(blockDisk ? BLOCK : {}), ...(devices.net ? NET : NO_NET_STACK) }, requires: [] };
}

/** The make arguments for a driver set, in a stable order (they are part of the kernel cache key). */
export const kernelMakeArgs = (drivers: DriverSet): string[] =>
  Object.entries(drivers.settings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);

/** The drivers a kernel really has, read back from its generated drivers_config.h. */
export function driversFromConfigHeader(header: string): string[] {
  return [...header.matchAll(/^#define CONF_drivers_(\w+) 1$/gm)].map((m) => m[1]!).sort();
}

/**
 * The settings that are Kconfig symbols, not make variables: OSv compiles them from its out directory's .config
 * (gen/include/osv/kernel_config_*.h), so a make argument alone would not reach the C code.
 */
const KCONFIG_SYMBOLS = ['networking_stack', 'tracepoints'] as const;

/** Pure: the Kconfig features unik decides (KCONFIG_SYMBOLS) that a kernel really has, from its kernel_config.h. */
export function featuresFromKernelConfig(header: string): string[] {
  return KCONFIG_SYMBOLS.filter((sym) => new RegExp(`^#define CONF_${sym} 1$`, 'm').test(header));
}

/**
 * Pure: an out directory's .config with the Kconfig symbols among the make arguments set as they say (every
 * other symbol keeps what OSv's defaults gave it); null when nothing changes.
 */
export function withKconfig(dotConfig: string, makeArgs: string[]): string | null {
  let out = dotConfig;
  for (const arg of makeArgs) {
    const m = /^conf_(\w+)=([01])$/.exec(arg);
    if (!m || !(KCONFIG_SYMBOLS as readonly string[]).includes(m[1]!)) continue;
    const line = m[2] === '1' ? `CONF_${m[1]}=y` : `# CONF_${m[1]} is not set`;
    const existing = new RegExp(`^(CONF_${m[1]}=.*|# CONF_${m[1]} is not set)$`, 'm');
    out = existing.test(out) ? out.replace(existing, line) : `${out}${out.endsWith('\n') || !out ? '' : '\n'}${line}\n`;
  }
  return out === dotConfig ? null : out;
}

import { usageError } from '../../lib/errors.js';
import type { Devices } from '../../manifest/devices.js';
import type { Platform } from '../../manifest/manifest.js';
import type { DriverSet } from '../target.js';

/** One device argument of the unikernel's start function, as config.ml declares it. */
export interface MirageDevice {
  /** OCaml binding in config.ml (from validated names only). */
  binding: string;
  /** Functoria type: what the Unikernel functor receives. */
  type: 'stackv4v6' | 'block' | 'kv_ro';
  /** The implementation expression. */
  impl: string;
}

/** A device as Solo5 knows it: its manifest entry, which tender flags and QEMU devices must match. */
export interface Solo5Device {
  name: string;
  type: 'NET_BASIC' | 'BLOCK_BASIC';
}

/** mirage's default_network is the Solo5 NIC named "service". */
export const SOLO5_NET_NAME = 'service';

/** Pure: the start function's device arguments, in the order the Unikernel functor takes them. */
export function mirageDevices(devices: Devices): MirageDevice[] {
  return [
    ...(devices.net ? [{ binding: 'stack', type: 'stackv4v6' as const, impl: 'generic_stackv4v6 default_network' }] : []),
    // Block names match ^[a-z][a-z0-9_]{0,15}$ (schema): safe as an OCaml identifier suffix and string literal.
    ...devices.block.map((b) => ({ binding: `block_${b.name}`, type: 'block' as const, impl: `block_of_file "${b.name}"` })),
  ];
}

/** Pure: the Solo5 manifest `mirage configure` must write for these devices (the console is not listed). */
export function solo5Manifest(devices: Devices): Solo5Device[] {
  return [
    ...(devices.net ? [{ name: SOLO5_NET_NAME, type: 'NET_BASIC' as const }] : []),
    ...devices.block.map((b) => ({ name: b.name, type: 'BLOCK_BASIC' as const })),
  ];
}

/**
 * Declared devices → config.ml devices (settings: binding → "type:impl"). Refuses what unik cannot run:
 * 9p shares (Solo5 has none), a NIC on spt/hvt (it needs a host tap, and unik never touches host networking),
 * and more than one disk on virtio (Solo5's virtio bindings drive one).
 */
export function mirageDrivers(devices: Devices, platform: Platform | 'unix'): DriverSet {
  if (devices.share.length) {
    throw usageError('devices.share: expected no shares for target mirage (Solo5 has no 9p; use devices.block), found a share');
  }
  if (devices.net && platform !== 'virtio') {
    throw usageError(`devices.net: expected platform virtio for a networked MirageOS app (${platform} networking needs a host tap, which unik never creates), found ${platform}`);
  }
  if (platform === 'virtio' && devices.block.length > 1) {
    throw usageError(`devices.block: expected at most one disk on platform virtio (Solo5 virtio drives one), found ${devices.block.length}`);
  }
  const settings = Object.fromEntries(mirageDevices(devices).map((d) => [d.binding, `${d.type}:${d.impl}`]));
  return { settings, requires: [] };
}

/** Pure: where spt/hvt/virtio run best when the manifest names no platform: spt, unless a NIC needs virtio. */
export const mirageDefaultPlatform = (devices: Devices): Platform => (devices.net ? 'virtio' : 'spt');

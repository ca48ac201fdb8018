import type { Manifest, PortMapping, ShareDecl } from './manifest.js';

/**
 * The one decision about devices. Built once from the manifest; the target adapters read it to pick drivers,
 * the runners read it to attach VMM devices and kernel parameters. No other code decides devices.
 */
export interface Devices {
  console: true;
  /** One NIC carries every published port (several NICs with one IP is the kraftkit bug we avoid). */
  net: NetDevice | null;
  block: BlockDevice[];
  share: ShareDevice[];
}

export interface NetDevice {
  ports: PortMapping[];
  /** Static guest address on QEMU's user network: DHCP costs ~1.4 s of boot here. */
  guestIp: string;
  gateway: string;
  prefix: number;
  /** QEMU's built-in DNS forwarder, for guests that take a nameserver on their command line (OSv). */
  nameserver: string;
  /** Where the published ports listen; default 127.0.0.1. unik-runtime: 0.0.0.0 of the container's own netns. */
  listen?: string;
  /**
   * unik-runtime's tap mode: the NIC is this tap of the container's netns instead of QEMU's user network (no port
   * forwarding: every frame of the container's link reaches the guest), with the link's MAC.
   */
  tap?: { ifname: string; mac: string };
}

export interface BlockDevice {
  name: string;
  file: string;
}

export interface ShareDevice {
  /** 9p mount tag, decided here so kernel cmdline and VMM flag agree. */
  tag: string;
  source: string;
  dest: string;
}

/** QEMU's user-mode network: the guest is 10.0.2.15, the host-side gateway 10.0.2.2, its DNS 10.0.2.3. */
const USER_NET = { guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } as const;

export function devicesOf(manifest: Pick<Manifest, 'devices'>): Devices {
  const d = manifest.devices;
  return {
    console: true,
    net: d.net ? { ports: d.net.ports, ...USER_NET } : null,
    block: d.block.map((b) => ({ name: b.name, file: b.file })),
    share: shareDevices(d.share),
  };
}

/** The 9p devices for these shares: the mount tags are made here only, so kernel cmdline and VMM flags agree. */
export const shareDevices = (shares: ShareDecl[]): ShareDevice[] => shares.map((s, i) => ({ tag: `fs${i}`, source: s.source, dest: s.dest }));

/** The device kinds present, in a fixed order: used in messages, records and cache keys. */
export function deviceKinds(devices: Devices): ('console' | 'net' | 'block' | 'share')[] {
  return [
    'console' as const,
    ...(devices.net ? (['net'] as const) : []),
    ...(devices.block.length ? (['block'] as const) : []),
    ...(devices.share.length ? (['share'] as const) : []),
  ];
}

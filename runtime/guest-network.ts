import { usageError } from '../lib/errors.js';
import type { NetDevice } from '../manifest/devices.js';
import type { RunOverrides } from '../run/run-devices.js';

/**
 * How a network image's guest is connected inside the container's network namespace:
 * - tap: the guest takes the container's own address (OSv --ip, Unikraft netdev.ip, MirageOS --ipv4) on a tap,
 *   and everything the netns's link receives is mirrored to the tap and back (tc ingress + mirred, urunc's way);
 * - user: QEMU's user network in its own subnet, listening on the guest's ports on the netns's addresses.
 */
export type NetworkMode = 'tap' | 'user';
export const NETWORK_MODES: readonly NetworkMode[] = ['tap', 'user'];
/** The per-container choice (podman run --annotation dev.unik.network=user); it wins over the runtime's default. */
export const NETWORK_ANNOTATION = 'dev.unik.network';
/** The runtime's default where neither the annotation nor --guest-network nor UNIK_RUNTIME_NETWORK says. */
export const DEFAULT_NETWORK_MODE: NetworkMode = 'tap';
/** The tap made in the container's netns; one per netns (a second unik guest there falls back to user). */
export const TAP_NAME = 'unik-tap0';

/**
 * QEMU's user network inside a container: not QEMU's default 10.0.2.0/24, which is slirp4netns's (the container is
 * 10.0.2.100 there): a connection from an address in the guest's own subnet would be answered on the wrong link.
 */
export const GUEST_SUBNET = { guestIp: '10.0.99.15', gateway: '10.0.99.2', prefix: 24, nameserver: '10.0.99.3' };

/** One interface of the netns, as `ip -j addr` lists it; IPv4 addresses only (the guests' stacks are set up for IPv4). */
export interface NetnsLink {
  name: string;
  mac: string;
  mtu: number;
  loopback: boolean;
  ipv4: { ip: string; prefix: number }[];
}

export interface NetnsView {
  links: NetnsLink[];
  /** The IPv4 default route's gateway and link, or null. */
  defaultRoute: { gateway: string; dev: string } | null;
  /** The names (argv[0]'s base name) of the other processes already in the netns. */
  processes: string[];
}

/**
 * Port forwarders that live in the container's netns and dial published ports from inside it (rootlesskit's
 * builtin driver: podman's default port handler for slirp4netns). The container's own stack answers those, never
 * a guest behind the mirrored link, so their ports reach only a user-network guest.
 */
export const INSIDE_FORWARDERS = ['rootlessport-child'];

/** Where the container's process runs: the host's netns (no network namespace in config.json), or its own. */
export type NetnsKind = { kind: 'host' } | { kind: 'own'; path: string | null };

export interface TapNetwork {
  kind: 'tap';
  /** The netns's link whose traffic the guest takes over, and the tap the VMM opens. */
  link: string;
  tap: string;
  /** The link's MAC and MTU: the guest answers for the link's address with the link's MAC. */
  mac: string;
  mtu: number;
  guest: Pick<NetDevice, 'guestIp' | 'prefix' | 'gateway' | 'nameserver'>;
}

export type GuestNetwork =
  | { kind: 'none' }
  | { kind: 'user'; listen: string; why: string | null }
  | TapNetwork;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const isIpv4 = (s: unknown): s is string => typeof s === 'string' && IPV4.test(s) && s.split('.').every((o) => Number(o) <= 255);

/** Pure: `ip -j addr show` of a netns → its links. */
export function parseLinks(json: string): NetnsLink[] {
  const raw = JSON.parse(json) as { ifname?: string; address?: string; mtu?: number; link_type?: string; addr_info?: { family?: string; local?: string; prefixlen?: number }[] }[];
  return raw
    .filter((l) => typeof l.ifname === 'string')
    .map((l) => ({
      name: l.ifname!,
      mac: (l.address ?? '').toLowerCase(),
      mtu: l.mtu ?? 1500,
      loopback: l.link_type === 'loopback',
      ipv4: (l.addr_info ?? []).filter((a) => a.family === 'inet' && isIpv4(a.local) && typeof a.prefixlen === 'number').map((a) => ({ ip: a.local!, prefix: a.prefixlen! })),
    }));
}

/** Pure: `ip -j -4 route show default` → the default route's gateway and link. */
export function parseDefaultRoute(json: string): NetnsView['defaultRoute'] {
  const routes = JSON.parse(json) as { dst?: string; gateway?: string; dev?: string }[];
  const r = routes.find((x) => x.dst === 'default' && isIpv4(x.gateway) && typeof x.dev === 'string');
  return r ? { gateway: r.gateway!, dev: r.dev! } : null;
}

/** Pure: the first IPv4 nameserver of a resolv.conf (the one the engine gave the container), or null. */
export function nameserverOf(resolvConf: string): string | null {
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && isIpv4(m[1])) return m[1]!;
  }
  return null;
}

/** Pure: the mode asked for: the container's annotation, else the runtime's default; a bad annotation is named. */
export function networkMode(annotations: Record<string, string> | undefined, runtimeDefault: NetworkMode): NetworkMode {
  const asked = annotations?.[NETWORK_ANNOTATION];
  if (asked === undefined) return runtimeDefault;
  if (!(NETWORK_MODES as readonly string[]).includes(asked)) throw usageError(`annotation ${NETWORK_ANNOTATION}: expected ${NETWORK_MODES.join(' or ')}, found ${JSON.stringify(asked)}`);
  return asked as NetworkMode;
}

/**
 * Pure: how the guest is connected. The host's netns (--network host) is never changed: user network on loopback.
 * A netns with only loopback has no network. tap needs a netns the engine made (given by path, so delete can
 * find it to take the tap back), no port forwarder inside it, a default route and an IPv4 address on its link;
 * otherwise user, with the reason.
 */
export function guestNetwork(o: { netns: NetnsKind; view: NetnsView; mode: NetworkMode; nameserver: string | null }): GuestNetwork {
  if (o.netns.kind === 'host') return { kind: 'user', listen: '127.0.0.1', why: null };
  if (!o.view.links.some((l) => !l.loopback)) return { kind: 'none' };
  const user = (why: string | null): GuestNetwork => ({ kind: 'user', listen: '0.0.0.0', why });
  if (o.mode === 'user') return user(null);
  if (!o.netns.path) return user('tap: the network namespace was not made by the engine');
  if (o.view.links.some((l) => l.name === TAP_NAME)) return user(`tap: ${TAP_NAME} exists already (another unik guest has this network namespace's link)`);
  const inside = o.view.processes.find((p) => INSIDE_FORWARDERS.includes(p));
  if (inside) return user(`tap: ${inside} forwards the published ports from inside the network namespace`);
  const route = o.view.defaultRoute;
  if (!route) return user('tap: the network namespace has no IPv4 default route');
  const link = o.view.links.find((l) => l.name === route.dev);
  const addr = link?.ipv4[0];
  if (!link || link.loopback || !addr) return user(`tap: the default route's link ${route.dev} has no IPv4 address`);
  if (!MAC.test(link.mac)) return user(`tap: ${link.name} has no Ethernet address`);
  return {
    kind: 'tap',
    link: link.name,
    tap: TAP_NAME,
    mac: link.mac,
    mtu: link.mtu,
    guest: { guestIp: addr.ip, prefix: addr.prefix, gateway: route.gateway, nameserver: o.nameserver ?? route.gateway },
  };
}

/** Pure: the devices' changes for this connection: the container's ports on its addresses, or the container's address on the tap. */
export function networkOverrides(net: NetDevice | null, g: GuestNetwork): RunOverrides {
  if (!net || g.kind === 'none') return {};
  if (g.kind === 'tap') return { subnet: g.guest, tap: { ifname: g.tap, mac: g.mac } };
  // Each guest port is published on the same port of the container's own addresses; the engine maps host ports.
  return { ports: net.ports.map((p) => `${p.guest}:${p.guest}${p.protocol === 'udp' ? '/udp' : ''}`), listen: g.listen, subnet: GUEST_SUBNET };
}

/**
 * Pure: the commands (run inside the netns) that make the tap and mirror every frame both ways between it and the
 * link: an ingress qdisc on each and a u32 match-all filter whose action is mirred egress redirect to the other.
 * The link keeps its address: it receives nothing any more, and giving it back is deleting the tap and one qdisc.
 */
export const tapCommands = (t: Pick<TapNetwork, 'link' | 'tap' | 'mtu'>): string[][] => [
  ['ip', 'tuntap', 'add', 'dev', t.tap, 'mode', 'tap'],
  ['ip', 'link', 'set', 'dev', t.tap, 'mtu', String(t.mtu), 'up'],
  ...[[t.tap, t.link], [t.link, t.tap]].flatMap(([from, to]) => [
    ['tc', 'qdisc', 'add', 'dev', from!, 'ingress'],
    ['tc', 'filter', 'add', 'dev', from!, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u8', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', to!],
  ]),
];

/**
 * Pure: what undoes these commands, last first: a tap made is deleted (its qdisc and filter go with it), an ingress
 * qdisc added is deleted (its filter with it); the rest need nothing. Undoing only what was done never removes a
 * qdisc the netns had before.
 */
export function undoCommands(done: string[][]): string[][] {
  const made = new Set(done.filter((c) => c[0] === 'ip' && c[1] === 'tuntap').map((c) => c[4]!));
  const undo = done.flatMap((c) => {
    if (c[0] === 'ip' && c[1] === 'tuntap') return [['ip', 'link', 'del', 'dev', c[4]!]];
    if (c[0] === 'tc' && c[1] === 'qdisc' && !made.has(c[4]!)) return [['tc', 'qdisc', 'del', 'dev', c[4]!, 'ingress']];
    return [];
  });
  return undo.reverse();
}

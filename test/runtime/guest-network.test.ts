import { describe, expect, it } from 'vitest';
import { qemuArgv } from '../../machine/qemu-argv.js';
import type { NetDevice } from '../../manifest/devices.js';
import { parseArgs } from '../../runtime/args.js';
import {
  GUEST_SUBNET,
  guestNetwork,
  nameserverOf,
  networkMode,
  networkOverrides,
  parseDefaultRoute,
  parseLinks,
  tapCommands,
  TAP_NAME,
  undoCommands,
  type NetnsView,
} from '../../runtime/guest-network.js';

/** `ip -j addr show` and `ip -j -4 route show default` in the netns podman --network slirp4netns made here. */
const SLIRP_ADDR = JSON.stringify([
  { ifindex: 1, ifname: 'lo', mtu: 65536, link_type: 'loopback', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }, { family: 'inet6', local: '::1', prefixlen: 128 }] },
  { ifindex: 2, ifname: 'tap0', mtu: 65520, link_type: 'ether', address: 'C2:99:C8:92:A1:D2', addr_info: [{ family: 'inet', local: '10.0.2.100', prefixlen: 24 }, { family: 'inet6', local: 'fe80::c099:c8ff:fe92:a1d2', prefixlen: 64 }] },
]);
const SLIRP_ROUTE = '[{"dst":"default","gateway":"10.0.2.2","dev":"tap0","flags":[]}]';
const slirp = (): NetnsView => ({ links: parseLinks(SLIRP_ADDR), defaultRoute: parseDefaultRoute(SLIRP_ROUTE), processes: [] });
const loopbackOnly = (): NetnsView => ({ links: parseLinks(SLIRP_ADDR).slice(0, 1), defaultRoute: null, processes: [] });
const engineNetns = { kind: 'own', path: '/run/netns/netns-1' } as const;
const NET: NetDevice = { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' };

describe('reading the netns', () => {
  it('links with their IPv4 addresses, MAC (lower case) and MTU; the default route', () => {
    expect(slirp()).toMatchObject({
      links: [
        { name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, loopback: true, ipv4: [{ ip: '127.0.0.1', prefix: 8 }] },
        { name: 'tap0', mac: 'c2:99:c8:92:a1:d2', mtu: 65520, loopback: false, ipv4: [{ ip: '10.0.2.100', prefix: 24 }] },
      ],
      defaultRoute: { gateway: '10.0.2.2', dev: 'tap0' },
    });
    expect(parseDefaultRoute('[]')).toBeNull();
    expect(parseDefaultRoute('[{"dst":"default","dev":"eth0"}]')).toBeNull();
  });
  it("the nameserver of the engine's resolv.conf", () => {
    expect(nameserverOf('search dns.podman\nnameserver 10.0.2.3\nnameserver 1.1.1.1\n')).toBe('10.0.2.3');
    expect(nameserverOf('nameserver fd00::3\n')).toBeNull();
  });
});

describe('the mode', () => {
  it('the annotation wins over the runtime default; a bad one is named', () => {
    expect(networkMode(undefined, 'tap')).toBe('tap');
    expect(networkMode({ 'dev.unik.network': 'user' }, 'tap')).toBe('user');
    expect(networkMode({ 'dev.unik.network': 'tap' }, 'user')).toBe('tap');
    expect(() => networkMode({ 'dev.unik.network': 'bridge' }, 'tap')).toThrow('annotation dev.unik.network: expected tap or user, found "bridge"');
  });
  it('--guest-network, else UNIK_RUNTIME_NETWORK, else tap; never handed to runc', () => {
    expect(parseArgs(['state', 'x']).global.guestNetwork).toBe('tap');
    expect(parseArgs(['state', 'x'], { UNIK_RUNTIME_NETWORK: 'user' }).global.guestNetwork).toBe('user');
    const p = parseArgs(['--guest-network', 'user', '--root', '/r', 'state', 'x'], { UNIK_RUNTIME_NETWORK: 'tap' });
    expect(p.global.guestNetwork).toBe('user');
    expect(p.globalArgv).toEqual(['--root', '/r']);
    expect(() => parseArgs(['--guest-network=macvtap', 'state', 'x'])).toThrow('--guest-network: expected tap or user, found "macvtap"');
  });
});

describe('how the guest is connected', () => {
  it("tap: the guest takes the link's address, prefix, gateway and MAC; the nameserver is the container's", () => {
    expect(guestNetwork({ netns: engineNetns, view: slirp(), mode: 'tap', nameserver: '10.0.2.3' })).toEqual({
      kind: 'tap',
      link: 'tap0',
      tap: TAP_NAME,
      mac: 'c2:99:c8:92:a1:d2',
      mtu: 65520,
      guest: { guestIp: '10.0.2.100', prefix: 24, gateway: '10.0.2.2', nameserver: '10.0.2.3' },
    });
    const noResolv = guestNetwork({ netns: engineNetns, view: slirp(), mode: 'tap', nameserver: null });
    expect(noResolv.kind === 'tap' && noResolv.guest.nameserver).toBe('10.0.2.2');
  });
  it("the host's netns is never changed: user network on loopback", () => {
    expect(guestNetwork({ netns: { kind: 'host' }, view: slirp(), mode: 'tap', nameserver: null })).toEqual({ kind: 'user', listen: '127.0.0.1', why: null });
  });
  it('only loopback (--network none, ctr run): no network', () => {
    expect(guestNetwork({ netns: engineNetns, view: loopbackOnly(), mode: 'tap', nameserver: null })).toEqual({ kind: 'none' });
    expect(guestNetwork({ netns: { kind: 'own', path: null }, view: loopbackOnly(), mode: 'user', nameserver: null })).toEqual({ kind: 'none' });
  });
  it('user when asked, and when tap cannot be done, with the reason', () => {
    const why = (view: NetnsView, path: string | null = engineNetns.path) => {
      const g = guestNetwork({ netns: { kind: 'own', path }, view, mode: 'tap', nameserver: null });
      return g.kind === 'user' ? g.why : g.kind;
    };
    expect(guestNetwork({ netns: engineNetns, view: slirp(), mode: 'user', nameserver: null })).toEqual({ kind: 'user', listen: '0.0.0.0', why: null });
    expect(why(slirp(), null)).toBe('tap: the network namespace was not made by the engine');
    expect(why({ ...slirp(), defaultRoute: null })).toBe('tap: the network namespace has no IPv4 default route');
    const noAddr = slirp();
    noAddr.links[1]!.ipv4 = [];
    expect(why(noAddr)).toBe("tap: the default route's link tap0 has no IPv4 address");
    const taken = slirp();
    taken.links.push({ name: TAP_NAME, mac: '02:00:00:00:00:01', mtu: 1500, loopback: false, ipv4: [] });
    expect(why(taken)).toMatch(/unik-tap0 exists already/);
    // podman's default port handler for slirp4netns dials the published ports from inside the netns.
    expect(why({ ...slirp(), processes: ['pause', 'rootlessport-child'] })).toBe('tap: rootlessport-child forwards the published ports from inside the network namespace');
  });
  it("the devices: tap carries the container's address and no port forwarding; user publishes each guest port on the container's addresses", () => {
    const tap = guestNetwork({ netns: engineNetns, view: slirp(), mode: 'tap', nameserver: '10.0.2.3' });
    expect(networkOverrides(NET, tap)).toEqual({ subnet: { guestIp: '10.0.2.100', prefix: 24, gateway: '10.0.2.2', nameserver: '10.0.2.3' }, tap: { ifname: TAP_NAME, mac: 'c2:99:c8:92:a1:d2' } });
    expect(networkOverrides(NET, { kind: 'user', listen: '0.0.0.0', why: null })).toEqual({ ports: ['80:80'], listen: '0.0.0.0', subnet: GUEST_SUBNET });
    expect(networkOverrides(null, tap)).toEqual({});
  });
  it("QEMU opens the tap with the link's MAC", () => {
    const net: NetDevice = { ...NET, guestIp: '10.0.2.100', tap: { ifname: TAP_NAME, mac: 'c2:99:c8:92:a1:d2' } };
    const argv = qemuArgv({ kind: 'qemu', kernel: '/k', append: '', memoryMiB: 64, machine: { type: 'pc', debugExit: null }, devices: { console: true, net, block: [], share: [] }, disks: [], exit: { statuses: {}, debugExitDecodes: false } }, 'tcg');
    expect(argv.join(' ')).toContain(`-netdev tap,id=net0,ifname=${TAP_NAME},script=no,downscript=no -device virtio-net-pci,netdev=net0,romfile=,mac=c2:99:c8:92:a1:d2`);
    expect(argv.join(' ')).not.toContain('hostfwd');
  });
});

describe('the tap and its mirroring', () => {
  const t = { link: 'tap0', tap: TAP_NAME, mtu: 65520 };
  it('a tap with the link\'s MTU, and every frame redirected both ways by an ingress u32 match-all filter', () => {
    expect(tapCommands(t)).toEqual([
      ['ip', 'tuntap', 'add', 'dev', TAP_NAME, 'mode', 'tap'],
      ['ip', 'link', 'set', 'dev', TAP_NAME, 'mtu', '65520', 'up'],
      ['tc', 'qdisc', 'add', 'dev', TAP_NAME, 'ingress'],
      ['tc', 'filter', 'add', 'dev', TAP_NAME, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u8', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'tap0'],
      ['tc', 'qdisc', 'add', 'dev', 'tap0', 'ingress'],
      ['tc', 'filter', 'add', 'dev', 'tap0', 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u8', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', TAP_NAME],
    ]);
  });
  it('undoing takes back only what was done, last first', () => {
    expect(undoCommands(tapCommands(t))).toEqual([
      ['tc', 'qdisc', 'del', 'dev', 'tap0', 'ingress'],
      ['ip', 'link', 'del', 'dev', TAP_NAME],
    ]);
    // The link's qdisc could not be added (it had one): the link's own qdisc is left alone.
    expect(undoCommands(tapCommands(t).slice(0, 4))).toEqual([['ip', 'link', 'del', 'dev', TAP_NAME]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Devices } from '../../../manifest/devices.js';
import { solo5Duniverse } from '../../../toolchains/mirage/duniverse.js';
import { mirageDefaultPlatform, mirageDevices, mirageDrivers, solo5Manifest } from '../../../targets/mirage/drivers.js';
import { UnikError } from '../../../lib/errors.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
const block: Devices = { ...consoleOnly, block: [{ name: 'storage', file: '/d.img' }] };
const twoDisks: Devices = { ...consoleOnly, block: [{ name: 'a', file: '/a' }, { name: 'b', file: '/b' }] };
const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/s', dest: '/d' }] };

const usage = (f: () => unknown, msg: RegExp) => {
  expect(f).toThrow(msg);
  try { f(); } catch (e) { expect((e as UnikError).exitCode).toBe(2); }
};

describe('mirageDrivers', () => {
  it('console only needs no config.ml devices and no cache sources', () => {
    expect(mirageDrivers(consoleOnly, 'spt')).toEqual({ settings: {}, requires: [] });
  });

  it('maps net and block to config.ml devices in start-argument order', () => {
    expect(mirageDevices({ ...net, block: block.block })).toEqual([
      { binding: 'stack', type: 'stackv4v6', impl: 'generic_stackv4v6 default_network' },
      { binding: 'block_storage', type: 'block', impl: 'block_of_file "storage"' },
    ]);
    expect(mirageDrivers(net, 'virtio').settings).toEqual({ stack: 'stackv4v6:generic_stackv4v6 default_network' });
  });

  it('refuses what unik cannot run: shares, a NIC on spt/hvt, two disks on virtio (exit 2, one line naming the field)', () => {
    usage(() => mirageDrivers(share, 'spt'), /^devices\.share: expected no shares/);
    usage(() => mirageDrivers(net, 'spt'), /^devices\.net: expected platform virtio .* found spt$/);
    usage(() => mirageDrivers(net, 'hvt'), /found hvt$/);
    usage(() => mirageDrivers(twoDisks, 'virtio'), /^devices\.block: expected at most one disk/);
    expect(mirageDrivers(twoDisks, 'spt').settings).toEqual({ block_a: 'block:block_of_file "a"', block_b: 'block:block_of_file "b"' });
  });

  it('defaults to spt, or virtio for a networked app', () => {
    expect(mirageDefaultPlatform(consoleOnly)).toBe('spt');
    expect(mirageDefaultPlatform(block)).toBe('spt');
    expect(mirageDefaultPlatform(net)).toBe('virtio');
  });
});

describe('solo5Manifest', () => {
  it('lists what mirage configure must write: the NIC "service" and each disk by name; the console is implicit', () => {
    expect(solo5Manifest(consoleOnly)).toEqual([]);
    expect(solo5Manifest({ ...net, block: block.block })).toEqual([
      { name: 'service', type: 'NET_BASIC' },
      { name: 'storage', type: 'BLOCK_BASIC' },
    ]);
  });
});

describe('solo5Duniverse', () => {
  it('console builds need the runtime and the default RNG (mirage-crypto) but no network stack', () => {
    const c = solo5Duniverse({ net: false, block: false });
    expect(c).toHaveLength(19);
    expect(c).toContain('mirage-crypto');
    expect(c).not.toContain('tcpip');
  });

  it('net adds the stack, block the Solo5 block binding; sorted and without repeats', () => {
    const n = solo5Duniverse({ net: true, block: true });
    expect(n).toContain('tcpip');
    expect(n).toContain('mirage-block-solo5');
    expect(n).toEqual([...new Set(n)].sort());
  });
});

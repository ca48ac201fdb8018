import { describe, expect, it } from 'vitest';
import type { Devices } from '../../../manifest/devices.js';
import { driversFromConfig, unikraftDrivers } from '../../../targets/unikraft/drivers.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const net: Devices = { ...consoleOnly, net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
const block: Devices = { ...consoleOnly, block: [{ name: 'data', file: '/d.img' }] };
const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/s', dest: '/srv' }] };

const on = (s: Record<string, string>) => Object.keys(s).filter((k) => s[k] === 'y');

describe('unikraftDrivers', () => {
  it('console only: serial console, no VGA, no device APIs, no random-number library, no extra sources', () => {
    const { settings, requires } = unikraftDrivers(consoleOnly);
    expect(settings).toMatchObject({ PLAT_KVM: 'y', KVM_KERNEL_SERIAL_CONSOLE: 'y', KVM_KERNEL_VGA_CONSOLE: 'n', KVM_DEBUG_VGA_CONSOLE: 'n' });
    for (const off of ['LIBUKNETDEV', 'LIBUKBLKDEV', 'LIBUK9P', 'LIB9PFS', 'LIBVFSCORE']) expect(settings[off]).toBe('n');
    expect(on(settings).filter((k) => /VIRTIO|NETDEV|BLKDEV|9P|RANDOM|SWRAND|LWIP/.test(k))).toEqual([]);
    expect(requires).toEqual([]);
  });

  it('net: netdev API + virtio-net over PCI + lwIP, and lib-lwip as a source', () => {
    const { settings, requires } = unikraftDrivers(net);
    expect(on(settings)).toEqual(expect.arrayContaining(['LIBUKNETDEV', 'LIBVIRTIO_NET', 'LIBVIRTIO_PCI', 'LIBUKBUS_PCI', 'LIBLWIP', 'LWIP_UKNETDEV', 'LIBUKNETDEV_EINFO_LIBPARAM']));
    expect(settings.LWIP_DHCP).toBe('n');
    expect(settings.LIBUKBLKDEV).toBe('n');
    expect(requires).toEqual(['lib-lwip']);
  });

  it('block: blkdev API + virtio-blk, nothing of the network', () => {
    const { settings, requires } = unikraftDrivers(block);
    expect(on(settings)).toEqual(expect.arrayContaining(['LIBUKBLKDEV', 'LIBVIRTIO_BLK', 'LIBVIRTIO_PCI']));
    expect(settings.LIBUKNETDEV).toBe('n');
    expect(on(settings)).not.toContain('LIBLWIP');
    expect(requires).toEqual([]);
  });

  it('share: vfscore + 9p over virtio, mounted from the command line', () => {
    const { settings } = unikraftDrivers(share);
    expect(on(settings)).toEqual(expect.arrayContaining(['LIBVFSCORE', 'LIBUK9P', 'LIB9PFS', 'LIBVIRTIO_9P', 'LIBVFSCORE_AUTOMOUNT_UP']));
    expect(settings.LIBUKNETDEV).toBe('n');
  });

  it('all devices together keep every piece', () => {
    const { settings } = unikraftDrivers({ ...net, block: block.block, share: share.share });
    expect(on(settings)).toEqual(expect.arrayContaining(['LIBVIRTIO_NET', 'LIBVIRTIO_BLK', 'LIBVIRTIO_9P']));
  });
});

describe('driversFromConfig', () => {
  it('reads enabled driver symbols from a final .config and ignores the rest', () => {
    const config = [
      'CONFIG_PLAT_KVM=y',
      'CONFIG_KVM_KERNEL_SERIAL_CONSOLE=y',
      '# CONFIG_KVM_KERNEL_VGA_CONSOLE is not set',
      'CONFIG_LIBVIRTIO_NET=y',
      'CONFIG_LIBUKNETDEV=y',
      'CONFIG_LIBUKALLOC=y',
      'CONFIG_UK_NAME="x"',
    ].join('\n');
    expect(driversFromConfig(config)).toEqual(['KVM_KERNEL_SERIAL_CONSOLE', 'LIBUKNETDEV', 'LIBVIRTIO_NET']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Devices } from '../../../manifest/devices.js';
import { driversFromConfigHeader, kernelMakeArgs, osvDrivers } from '../../../targets/osv/drivers.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };

describe('osvDrivers', () => {
  it('console only on ramfs: the base profile plus what TCG needs to boot, no virtio at all', () => {
    expect(kernelMakeArgs(osvDrivers(consoleOnly, 'ramfs'))).toEqual([
      'conf_drivers_hpet=1',
      'conf_drivers_profile=base',
      'conf_drivers_pvpanic=1',
    ]);
  });

  it('rofs adds virtio-blk for the root disk, and the SCSI core it links against; nothing for net or fs', () => {
    const args = kernelMakeArgs(osvDrivers(consoleOnly, 'rofs'));
    expect(args).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1']);
    expect(args.join(' ')).not.toMatch(/virtio_net|virtio_fs|drivers_profile=all/);
  });

  it('a declared disk needs virtio-blk even on ramfs', () => {
    expect(osvDrivers({ ...consoleOnly, block: [{ name: 'data', file: '/d.img' }] }, 'ramfs').settings).toMatchObject({ conf_drivers_virtio_blk: '1' });
  });

  it('a net device adds exactly virtio-net (and the SCSI core every virtio driver links), on rofs and ramfs', () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
    const rofs = kernelMakeArgs(osvDrivers(net, 'rofs'));
    expect(rofs).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_drivers_virtio_net=1']);
    expect(kernelMakeArgs(osvDrivers(net, 'ramfs'))).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_net=1']);
    expect(rofs.join(' ')).not.toMatch(/virtio_fs|virtio_rng|vmxnet3|ena=/);
  });

  it('refuses host shares in one line that says why, naming the field (exit 2)', () => {
    const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/s', dest: '/s' }] };
    expect(() => osvDrivers(share, 'rofs')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^devices\.share: [^\n]+$/) }));
  });
});

describe('driversFromConfigHeader', () => {
  it('lists the drivers defined to 1 in drivers_config.h', () => {
    const h = '#define CONF_drivers_acpi 1\n#define CONF_drivers_ahci 0\n#define CONF_drivers_virtio_blk 1\n#define CONF_drivers_hpet 1\n';
    expect(driversFromConfigHeader(h)).toEqual(['acpi', 'hpet', 'virtio_blk']);
  });
});

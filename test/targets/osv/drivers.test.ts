import { describe, expect, it } from 'vitest';
import type { Devices } from '../../../manifest/devices.js';
import { driversFromConfigHeader, featuresFromKernelConfig, kernelMakeArgs, osvDrivers, unikObjectsIn, withKconfig } from '../../../targets/osv/drivers.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };

describe('osvDrivers', () => {
  it('console only on ramfs: the base profile plus what TCG needs to boot, no virtio at all', () => {
    expect(kernelMakeArgs(osvDrivers(consoleOnly, 'ramfs'))).toEqual([
      'conf_drivers_hpet=1',
      'conf_drivers_profile=base',
      'conf_drivers_pvpanic=1',
      'conf_linker_extra_options=$(out)/unik-no-net-sockets.o',
      'conf_networking_stack=0',
      'conf_tracepoints=0',
    ]);
  });

  it('rofs adds virtio-blk for the root disk, and the SCSI core it links against; nothing for net or fs', () => {
    const args = kernelMakeArgs(osvDrivers(consoleOnly, 'rofs'));
    expect(args).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_linker_extra_options=$(out)/unik-no-net-sockets.o', 'conf_networking_stack=0', 'conf_tracepoints=0']);
    expect(args.join(' ')).not.toMatch(/virtio_net|virtio_fs|drivers_profile=all/);
  });

  it('a declared disk needs virtio-blk even on ramfs', () => {
    expect(osvDrivers({ ...consoleOnly, block: [{ name: 'data', file: '/d.img' }] }, 'ramfs').settings).toMatchObject({ conf_drivers_virtio_blk: '1' });
  });

  it('a net device adds exactly virtio-net (and the SCSI core every virtio driver links), on rofs and ramfs', () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
    const rofs = kernelMakeArgs(osvDrivers(net, 'rofs'));
    expect(rofs).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_drivers_virtio_net=1', 'conf_tracepoints=0']);
    expect(kernelMakeArgs(osvDrivers(net, 'ramfs'))).toEqual(['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1', 'conf_drivers_scsi=1', 'conf_drivers_virtio_net=1', 'conf_tracepoints=0']);
    expect(rofs.join(' ')).not.toMatch(/virtio_fs|virtio_rng|vmxnet3|ena=|networking_stack|linker_extra/);
  });

  it('leaves the network stack out exactly when no NIC is declared, so the two get separate kernels', () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
    const disk: Devices = { ...consoleOnly, block: [{ name: 'data', file: '/d.img' }] };
    expect(osvDrivers(consoleOnly, 'rofs').settings.conf_networking_stack).toBe('0');
    expect(osvDrivers(disk, 'ramfs').settings.conf_networking_stack).toBe('0');
    expect(osvDrivers(net, 'rofs').settings).not.toHaveProperty('conf_networking_stack');
    expect(osvDrivers(net, 'ramfs').settings).not.toHaveProperty('conf_networking_stack');
  });

  it('leaves the tracepoints out of every kernel: unik passes none of the options that would enable one', () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
    for (const devices of [consoleOnly, net]) for (const fs of ['rofs', 'ramfs'] as const) expect(osvDrivers(devices, fs).settings.conf_tracepoints).toBe('0');
    expect(withKconfig('CONF_tracepoints=y\nCONF_tracepoints_strace=y\n', ['conf_drivers_hpet=1', 'conf_tracepoints=0'])).toBe('# CONF_tracepoints is not set\nCONF_tracepoints_strace=y\n');
  });

  it("links unik's socket stubs exactly into kernels without the network stack (the pinned io_uring calls them)", () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' } };
    expect(unikObjectsIn(kernelMakeArgs(osvDrivers(consoleOnly, 'rofs')))).toEqual(['unik-no-net-sockets']);
    expect(unikObjectsIn(kernelMakeArgs(osvDrivers(net, 'rofs')))).toEqual([]);
    expect(unikObjectsIn(['conf_drivers_hpet=1', 'unik-no-net-sockets.o'])).toEqual([]);
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

describe('withKconfig', () => {
  const defaults = '# Networking Stack\nCONF_networking_stack=y\nCONF_networking_dhcp=y\n# end of Networking Stack\nCONF_preempt=y\n';

  it('turns a Kconfig symbol among the make arguments off in place, leaving every other line as OSv made it', () => {
    expect(withKconfig(defaults, ['conf_drivers_hpet=1', 'conf_networking_stack=0'])).toBe(
      '# Networking Stack\n# CONF_networking_stack is not set\nCONF_networking_dhcp=y\n# end of Networking Stack\nCONF_preempt=y\n',
    );
  });

  it('adds a symbol the .config does not mention, and turns one on', () => {
    expect(withKconfig('CONF_preempt=y\n', ['conf_networking_stack=0'])).toBe('CONF_preempt=y\n# CONF_networking_stack is not set\n');
    expect(withKconfig('# CONF_networking_stack is not set\n', ['conf_networking_stack=1'])).toBe('CONF_networking_stack=y\n');
  });

  it('is null when nothing changes: make variables (conf_drivers_*) are not Kconfig symbols here', () => {
    expect(withKconfig(defaults, ['conf_drivers_hpet=1', 'conf_drivers_profile=base'])).toBeNull();
    expect(withKconfig(defaults, ['conf_networking_stack=1'])).toBeNull();
  });
});

describe('featuresFromKernelConfig', () => {
  it("lists the Kconfig features unik decides that the kernel's kernel_config.h has on", () => {
    expect(featuresFromKernelConfig('#define CONF_preempt 1\n#define CONF_networking_stack 1\n')).toEqual(['networking_stack']);
    expect(featuresFromKernelConfig('#define CONF_preempt 1\n#define CONF_networking_dhcp 1\n')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { enables, kconfigMeaning } from '../../importers/unikraft-kconfig.js';

describe('kconfigMeaning', () => {
  it.each([
    ['CONFIG_LWIP_TCP', { kind: 'device', device: 'net' }],
    ['CONFIG_LIBLWIP', { kind: 'device', device: 'net' }],
    ['LIBVIRTIO_NET', { kind: 'device', device: 'net' }],
    ['CONFIG_LIB9PFS', { kind: 'device', device: 'share' }],
    ['CONFIG_LIBVFSCORE_AUTOMOUNT_UP', { kind: 'device', device: 'share' }],
    ['CONFIG_LIBVIRTIO_BLK', { kind: 'device', device: 'block' }],
    ['CONFIG_PLAT_KVM', { kind: 'unik' }],
    ['CONFIG_LIBPOSIX_SOCKET', { kind: 'unik' }],
    ['CONFIG_LIBVIRTIO_MMIO', { kind: 'driver' }],
    ['CONFIG_PLAT_XEN', { kind: 'driver' }],
    ['CONFIG_LIBUKRANDOM', { kind: 'driver' }],
    ['CONFIG_KVM_KERNEL_VGA_CONSOLE', { kind: 'driver' }],
    ['CONFIG_LIBUKDEBUG_PRINTK_INFO', { kind: 'other' }],
  ])('%s', (option, meaning) => {
    expect(kconfigMeaning(option)).toEqual(meaning);
  });

  it('reads y and m as on, anything else as off', () => {
    expect(['y', 'm', 'n', '', '"9pfs"'].map(enables)).toEqual([true, true, false, false, false]);
  });
});

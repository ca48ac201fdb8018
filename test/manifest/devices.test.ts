import { describe, expect, it } from 'vitest';
import { deviceKinds, devicesOf } from '../../manifest/devices.js';

describe('devicesOf', () => {
  it('gives a console-only app nothing but the console', () => {
    const d = devicesOf({ devices: { block: [], share: [] } });
    expect(d).toEqual({ console: true, net: null, block: [], share: [] });
    expect(deviceKinds(d)).toEqual(['console']);
  });

  it('puts every port on one NIC with a static user-network address', () => {
    const ports = [
      { host: 8080, guest: 80, protocol: 'tcp' as const },
      { host: 8081, guest: 80, protocol: 'tcp' as const },
    ];
    const d = devicesOf({ devices: { net: { ports }, block: [], share: [] } });
    expect(d.net).toEqual({ ports, guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' });
  });

  it('assigns 9p tags in declaration order, so cmdline and VMM flags agree', () => {
    const d = devicesOf({
      devices: { block: [{ name: 'data', file: '/a/disk.img' }], share: [{ source: '/a/s1', dest: '/x' }, { source: '/a/s2', dest: '/y' }] },
    });
    expect(d.share.map((s) => s.tag)).toEqual(['fs0', 'fs1']);
    expect(deviceKinds(d)).toEqual(['console', 'block', 'share']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { layout } from '../../lib/home.js';
import type { QemuBootSpec, TenderBootSpec } from '../../machine/boot-spec.js';
import type { Devices } from '../../manifest/devices.js';
import { launchPlanInputs } from '../../run/launch-plan.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const l = layout('/h');
const plain = { interactive: false, snapshot: false };
const image = { id: 'abcdefabcdef', path: '/h/images/abcdefabcdef/kernel', files: { root: '/h/images/abcdefabcdef/usr.img' } } as unknown as ImageRecord;
const qemu = (over: Partial<QemuBootSpec> = {}): QemuBootSpec =>
  ({ kind: 'qemu', kernel: image.path, append: '', memoryMiB: 8, machine: { type: 'microvm', debugExit: null }, devices: consoleOnly, exit: { statuses: {}, debugExitDecodes: true }, disks: [], ...over }) as QemuBootSpec;

describe('launchPlanInputs: which runs may start early next time, decided from which files', () => {
  it('a console-only guest under the reaper: the store, its record, kernel, files, initrd and the reaper', () => {
    expect(launchPlanInputs(l, image, qemu({ initrd: '/h/cache/files.cpio' }), '/h/probes/reap-1', plain)).toEqual([
      '/h/images', '/h/images/abcdefabcdef/record.json', image.path, '/h/images/abcdefabcdef/usr.img', '/h/cache/files.cpio', '/h/probes/reap-1',
    ]);
    const tender = { kind: 'tender', tender: '/t/solo5-spt', args: [], machine: 'spt', memoryMiB: 8, devices: consoleOnly, exit: { statuses: {}, debugExitDecodes: false } } as TenderBootSpec;
    expect(launchPlanInputs(l, image, tender, '/r', plain)).toContain('/h/images');
  });

  it('a read-only disk (an OSv root filesystem) is decided from too', () => {
    expect(launchPlanInputs(l, image, qemu({ disks: [{ id: 'rootfs', file: '/h/rofs.img', readOnly: true }] }), '/r', plain)).toContain('/h/rofs.img');
  });

  it('never a guest that touches the host (network, writable disks, shares, QMP), nor one without the reaper, with -i or a snapshot', () => {
    const net = { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' };
    for (const spec of [
      qemu({ devices: { ...consoleOnly, net } }),
      qemu({ devices: { ...consoleOnly, block: [{ name: 'data', file: '/d.img' }] } }),
      qemu({ devices: { ...consoleOnly, share: [{ tag: 'fs0', source: '/s', dest: '/s' }] } }),
      qemu({ disks: [{ id: 'root', file: '/h/images/abcdefabcdef/usr.img', readOnly: false }] }),
      qemu({ qmp: '/run/q.sock' }),
    ]) expect(launchPlanInputs(l, image, spec, '/r', plain)).toBeNull();
    expect(launchPlanInputs(l, image, qemu(), null, plain)).toBeNull();
    expect(launchPlanInputs(l, image, qemu(), '/r', { interactive: true, snapshot: false })).toBeNull();
    expect(launchPlanInputs(l, image, qemu(), '/r', { interactive: false, snapshot: true })).toBeNull();
  });
});

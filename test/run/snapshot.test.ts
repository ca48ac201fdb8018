import { describe, expect, it } from 'vitest';
import type { QemuBootSpec, TenderBootSpec } from '../../machine/boot-spec.js';
import { snapshotArgv } from '../../machine/vm-snapshot.js';
import type { Devices } from '../../manifest/devices.js';
import type { ImageRecord } from '../../images/record.js';
import { snapshotKey } from '../../images/snapshots.js';
import { restoreVerdict, snapshotRun, snapshotShape } from '../../run/snapshot.js';

const net = (host: number): Devices => ({
  console: true,
  net: { ports: [{ host, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' },
  block: [{ name: 'data', file: `/data/${host}.img` }],
  share: [{ tag: 'fs0', source: `/share/${host}`, dest: '/data' }],
});

const spec = (over: Partial<QemuBootSpec> = {}): QemuBootSpec => ({
  kind: 'qemu',
  kernel: '/img/k',
  append: 'a b',
  memoryMiB: 64,
  machine: { type: 'pc', debugExit: null },
  devices: net(8080),
  disks: [],
  exit: { statuses: {}, debugExitDecodes: false },
  ...over,
});

describe('snapshotShape', () => {
  it('blanks what is attached fresh on each restore: host ports, disk files and share directories', () => {
    const a = snapshotShape(spec(), 'tcg');
    expect(a).toEqual(snapshotShape(spec({ devices: net(9090) }), 'tcg'));
    expect(a.join(' ')).not.toMatch(/8080|\/data\/|\/share\//);
    expect(a.join(' ')).toContain('hostfwd=tcp:127.0.0.1:0-:80');
  });

  it('keeps what the saved guest depends on: memory, command line, machine, devices, accelerator', () => {
    const base = snapshotShape(spec(), 'tcg');
    for (const other of [
      snapshotShape(spec({ memoryMiB: 32 }), 'tcg'),
      snapshotShape(spec({ append: 'a c' }), 'tcg'),
      snapshotShape(spec({ machine: { type: 'pc-qboot', debugExit: null } }), 'tcg'),
      snapshotShape(spec({ devices: { ...net(8080), share: [] } }), 'tcg'),
      snapshotShape(spec({ fwCfg: { 'opt/unik/tsc_khz': '2400000' } }), 'tcg'),
      snapshotShape(spec(), 'kvm'),
    ]) {
      expect(other).not.toEqual(base);
    }
  });
});

describe('snapshotKey', () => {
  it('is 16 hex digits, the same for the same inputs, and changes with image, QEMU binary or argv shape', async () => {
    const argv = snapshotShape(spec(), 'tcg');
    const k = await snapshotKey('0123456789ab', '/usr/bin/qemu:1:2', argv);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(await snapshotKey('0123456789ab', '/usr/bin/qemu:1:2', argv)).toBe(k);
    expect(await snapshotKey('0123456789ac', '/usr/bin/qemu:1:2', argv)).not.toBe(k);
    expect(await snapshotKey('0123456789ab', '/usr/bin/qemu:1:3', argv)).not.toBe(k);
    expect(await snapshotKey('0123456789ab', '/usr/bin/qemu:1:2', snapshotShape(spec({ memoryMiB: 32 }), 'tcg'))).not.toBe(k);
  });
});

describe('snapshotArgv', () => {
  it('guest RAM is a file: shared while saving, private on restore (which waits for its state over QMP); commas in paths are doubled', () => {
    expect(snapshotArgv({ mode: 'save', qmpSocket: '/tmp/q,1/s', ram: '/dev/shm/r,1/ram' }, 64)).toEqual([
      '-qmp', 'unix:/tmp/q,,1/s,server=on,wait=off',
      '-object', 'memory-backend-file,id=unik-ram,size=64M,mem-path=/dev/shm/r,,1/ram,share=on',
      '-machine', 'memory-backend=unik-ram',
    ]);
    expect(snapshotArgv({ mode: 'restore', qmpSocket: '/tmp/s', ram: '/store/k.ram' }, 256)).toEqual([
      '-qmp', 'unix:/tmp/s,server=on,wait=off',
      '-object', 'memory-backend-file,id=unik-ram,size=256M,mem-path=/store/k.ram,share=off',
      '-machine', 'memory-backend=unik-ram',
      '-incoming', 'defer',
    ]);
  });
});

describe('snapshotRun', () => {
  it('refuses a Solo5 tender (spt, hvt) in one line, before touching the store', async () => {
    const tender: TenderBootSpec = { kind: 'tender', tender: '/bin/solo5-spt', args: [], machine: 'spt', memoryMiB: 64, devices: net(8080), exit: { statuses: {}, debugExitDecodes: false } };
    const image = { name: 'hello-mirage', id: '0123456789ab', path: '/nonexistent/k', run: { ready: 'x' } } as ImageRecord;
    await expect(snapshotRun(image, tender, 'tcg', null)).rejects.toThrow(/^--snapshot: expected an image QEMU boots, found hello-mirage on spt \(a Solo5 tender cannot save a guest; build for --platform virtio\)$/);
    await expect(snapshotRun(image, tender, 'tcg', null)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('refuses an image with no moment to save at (no ready marker, no --ready-http) in one line', async () => {
    const image = { name: 'quiet', id: '0123456789ab', path: '/nonexistent/k', run: { ready: null } } as ImageRecord;
    await expect(snapshotRun(image, spec(), 'tcg', null)).rejects.toThrow(/^--snapshot: expected a moment to save at, a ready marker \(ready: in unik.yaml\) or --ready-http URL, found quiet with neither$/);
  });
});

describe('restoreVerdict', () => {
  const ran = { mode: 'restore' as const, ms: 40, bytes: null, error: null };
  it('a state QEMU never ran is refused; one that ran is restored', () => {
    expect(restoreVerdict({ snapshotStep: { ...ran, ms: null }, readyMs: null, timedOut: false }, false)).toBe('refused');
    expect(restoreVerdict({ readyMs: null, timedOut: false }, false)).toBe('refused');
    expect(restoreVerdict({ snapshotStep: ran, readyMs: 40, timedOut: false }, false)).toBe('restored');
    expect(restoreVerdict({ snapshotStep: ran, readyMs: 90, timedOut: true }, true)).toBe('restored');
  });

  it('a restored guest that never answered --ready-http before --timeout is a bad save; stopped otherwise, it is not', () => {
    expect(restoreVerdict({ snapshotStep: ran, readyMs: null, timedOut: true }, true)).toBe('never-ready');
    expect(restoreVerdict({ snapshotStep: ran, readyMs: null, timedOut: false }, true)).toBe('restored');
    expect(restoreVerdict({ snapshotStep: ran, readyMs: null, timedOut: true }, false)).toBe('restored');
  });
});

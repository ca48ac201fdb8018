import { describe, expect, it } from 'vitest';
import { checkPackagedRecord } from '../../oci/record-check.js';
import { pulledId, recordToStore } from '../../oci/restore.js';

const good = () => ({
  format: 1,
  record: {
    id: 'a1b2c3d4e5f6', name: 'http-app', target: 'mirage', platform: 'virtio', path: 'http-app.virtio', files: {}, filesSha256: {},
    sizeBytes: 100, sha256: 'a'.repeat(64), drivers: ['net'], libraries: [], buildSeconds: 1.5,
    sources: [{ name: 'mirage', ref: 'v4.10.0', commit: 'c'.repeat(40), dirty: false }], frameworkVersion: '4.10.0',
    createdAt: '2026-12-01T10:00:00.000Z', appDir: '/work/app', cacheKey: 'ab'.repeat(32),
    run: {
      devices: {
        console: true,
        net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24 },
        block: [{ name: 'storage', file: '/work/app/disk.raw' }],
        share: [{ tag: 'fs0', source: '/work/app/www', dest: '/www' }],
      },
      cmdline: ['--port', '80'], memoryMiB: 64, ready: 'listening',
    },
    bootSettings: {},
  } as Record<string, any>,
});

describe('checkPackagedRecord', () => {
  it('accepts what unik writes', () => {
    expect(checkPackagedRecord(good(), 'REF').name).toBe('http-app');
  });

  it.each([
    ['format', (l: any) => (l.format = 2), 'format: expected 1'],
    ['name', (l: any) => (l.record.name = 'Bad/Name'), 'name: expected an image name'],
    ['platform', (l: any) => (l.record.platform = 'qemu/x86_64'), 'platform: expected spt, virtio, hvt'],
    ['path', (l: any) => (l.record.path = '..'), 'path: expected a file name'],
    ['files', (l: any) => (l.record.files = { disk: 'a/b' }), 'files.disk: expected a value matching'],
    ['filesSha256', (l: any) => (l.record.files = { disk: 'd.img' }), 'filesSha256: expected one digest for each of files'],
    ['duplicate names', (l: any) => ((l.record.files = { disk: 'http-app.virtio' }), (l.record.filesSha256 = { disk: 'b'.repeat(64) })), 'files: expected distinct file names'],
    ['memory', (l: any) => (l.record.run.memoryMiB = 1 << 20), 'run.memoryMiB: expected a whole number from 2 to 4096'],
    ['cmdline', (l: any) => (l.record.run.cmdline = ['a"b']), 'run.cmdline[0]: expected printable text'],
    ['ready', (l: any) => (l.record.run.ready = '(['), 'run.ready: expected a valid regular expression'],
    ['guest ip', (l: any) => (l.record.run.devices.net.guestIp = '10.0.2.15,hostfwd=tcp::22-:22'), 'run.devices.net.guestIp: expected an IPv4 address'],
    ['share dest', (l: any) => (l.record.run.devices.share[0].dest = '/a/../etc'), 'run.devices.share[0].dest: expected a normal absolute guest path'],
    ['boot settings', (l: any) => (l.record.bootSettings = { fs: 'rofs; rm' }), 'bootSettings.fs: expected a value matching'],
  ])('refuses a bad %s with one line naming the field (exit 2)', (_n, change, msg) => {
    const label = good();
    change(label);
    expect(() => checkPackagedRecord(label, 'REF')).toThrow(`REF: unik record ${msg}`);
    try {
      checkPackagedRecord(label, 'REF');
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('recordToStore', () => {
  it('keeps the record\'s own fields only; clears data paths, host ports and the cache key; takes its id from the digest', () => {
    const label = good();
    label.record.origin = 'local';
    const rec = checkPackagedRecord(label, 'REF');
    const digest = `sha256:${'d'.repeat(64)}`;
    const stored = recordToStore(rec, digest);
    expect(stored.id).toBe(pulledId(digest));
    expect(stored.id).not.toBe(rec.id);
    expect(stored.cacheKey).toBe('');
    expect(stored.run.devices.block).toEqual([{ name: 'storage', file: '' }]);
    expect(stored.run.devices.share).toEqual([{ tag: 'fs0', source: '', dest: '/www' }]);
    expect(stored.run.devices.net).toEqual({ ...rec.run.devices.net, ports: [], nameserver: '10.0.2.3' });
    expect(stored).not.toHaveProperty('origin');
    expect(stored).not.toHaveProperty('path');
    expect(stored).not.toHaveProperty('sha256');
    const { path: _p, files: _f, filesSha256: _s, sizeBytes: _b, sha256: _h, id: _i, cacheKey: _k, origin: _o, ...rest } = rec as any;
    expect({ ...stored, run: rec.run, id: undefined, cacheKey: undefined }).toEqual({ ...rest, patches: [], id: undefined, cacheKey: undefined });
  });
});

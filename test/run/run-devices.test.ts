import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { devicesForRun } from '../../run/run-devices.js';
import type { Devices } from '../../manifest/devices.js';
import { tmpTree } from '../helpers/tmp.js';

const dir = tmpTree({ 'other.img': 'x' });
mkdirSync(join(dir, 'share'));
mkdirSync(join(dir, 'more'));
// A flag the user types is the user's choice: a link to anywhere is allowed for -v and --disk.
const elsewhere = tmpTree({ 'host.img': 'h' });
symlinkSync(elsewhere, join(dir, 'linked'));
const img = (devices: Devices) => ({ name: 'app', run: { devices } }) as unknown as ImageRecord;
const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const full: Devices = {
  console: true,
  net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' },
  block: [{ name: 'data', file: '/x.img' }],
  share: [{ tag: 'fs0', source: '/s', dest: '/www' }],
};

describe('devicesForRun', () => {
  it('without flags, the devices the image was built with', () => {
    expect(devicesForRun(img(full), {}, dir)).toEqual(full);
  });

  it('-p replaces the published ports on the same single NIC', () => {
    const d = devicesForRun(img(full), { ports: ['9090:80', '9091:80'] }, dir);
    expect(d.net!.ports.map((p) => p.host)).toEqual([9090, 9091]);
  });

  it('unik-runtime\'s overrides: where the ports listen and the user network\'s subnet', () => {
    const subnet = { guestIp: '10.0.99.15', gateway: '10.0.99.2', prefix: 24, nameserver: '10.0.99.3' };
    const d = devicesForRun(img(full), { ports: ['80:80'], listen: '0.0.0.0', subnet }, dir);
    expect(d.net).toMatchObject({ listen: '0.0.0.0', ...subnet, ports: [{ host: 80, guest: 80, protocol: 'tcp' }] });
    expect(devicesForRun(img(full), {}, dir).net!.listen).toBeUndefined();
  });

  it('-v and --disk re-point shares and the disk', () => {
    const d = devicesForRun(img(full), { volumes: ['share:/data'], disk: 'other.img' }, dir);
    expect(d.share).toEqual([{ tag: 'fs0', source: join(dir, 'share'), dest: '/data' }]);
    expect(d.block[0]).toEqual({ name: 'data', file: join(dir, 'other.img') });
  });

  it.each([
    ['-p on an image without a NIC', { ports: ['8080:80'] }, /-p: expected an image built with a network device/],
    ['-v on an image without 9p', { volumes: ['share:/x'] }, /-v: expected an image built with 9p shares/],
    ['--disk on an image without a block device', { disk: 'other.img' }, /--disk: expected an image built with a block device/],
  ])('refuses %s (exit 2)', (_l, o, msg) => {
    expect(() => devicesForRun(img(consoleOnly), o, dir)).toThrow(msg);
  });

  it('-v and --disk may name symlinks (the user typed them); destinations are normalised', () => {
    const d = devicesForRun(img(full), { volumes: ['linked:/data/./'], disk: 'linked/host.img' }, dir);
    expect(d.share).toEqual([{ tag: 'fs0', source: join(dir, 'linked'), dest: '/data' }]);
    expect(d.block[0]!.file).toBe(join(dir, 'linked', 'host.img'));
  });

  it.each([
    ['10,000 characters', { volumes: [`share:/${'a'.repeat(9999)}`] }, /-v: expected an absolute guest directory other than \/ .* after the colon/],
    ['"/."', { volumes: ['share:/.'] }, /-v: expected an absolute guest directory other than \//],
    ['"//"', { volumes: ['share://'] }, /-v: expected an absolute guest directory other than \//],
    ['the same once normalised', { volumes: ['share:/www', 'more://www/.'] }, /-v: expected a guest path used once \(\/www is already a share\) after the colon, found "more:\/\/www\/\."/],
  ])('rejects a share destination of %s', (_label, o, msg) => {
    expect(() => devicesForRun(img(full), o, dir)).toThrow(msg);
  });

  it('a pulled image (disk and share without host paths) needs --disk and -v, and runs with them', () => {
    const pulled: Devices = { ...full, block: [{ name: 'data', file: '' }], share: [{ tag: 'fs0', source: '', dest: '/www' }] };
    expect(() => devicesForRun(img(pulled), {}, dir)).toThrow(/^--disk: expected a disk image for data \(app came without its data\)/);
    expect(() => devicesForRun(img(pulled), { disk: 'other.img' }, dir)).toThrow(/^-v: expected HOST_DIR:\/www/);
    const d = devicesForRun(img(pulled), { disk: 'other.img', volumes: ['share:/www'] }, dir);
    expect(d.block[0]!.file).toBe(join(dir, 'other.img'));
    expect(d.share[0]!.source).toBe(join(dir, 'share'));
  });

  it.each([
    [{ ports: ['80'] }, /-p: expected HOST:GUEST/],
    [{ ports: ['8080:80', '8080:81'] }, /-p: expected each host port once/],
    [{ volumes: ['share'] }, /-v: expected HOST_DIR:\/GUEST_PATH/],
    [{ volumes: ['nope:/x'] }, /-v: expected an existing host directory/],
    [{ volumes: ['share:/a/../b'] }, /-v: expected an absolute guest directory other than \/ .* found "share:\/a\/..\/b"/],
    [{ volumes: ['share:/www', 'share:/www/.'] }, /-v: expected a guest path used once \(\/www is already a share\)/],
    [{ volumes: [`share:/${'x'.repeat(10_000)}`] }, /-v: expected an absolute guest directory/],
    [{ disk: 'missing.img' }, /--disk: expected an existing disk image file/],
  ])('rejects malformed flags %o', (o, msg) => {
    expect(() => devicesForRun(img(full), o, dir)).toThrow(msg);
  });
});

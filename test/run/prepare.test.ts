import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import type { Devices } from '../../manifest/devices.js';
import { bootInputOf, prepareBoot } from '../../run/prepare.js';
import { tmpTree } from '../helpers/tmp.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
// prepareBoot checks the stored files against their sha256 before anything boots: give it real ones.
const img = tmpTree({ 'app.spt': 'kernel', 'solo5-spt': 'tender', k: 'kernel' });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const record = (over: Partial<ImageRecord>): ImageRecord =>
  ({
    id: 'abcdefabcdef', name: 'app', target: 'mirage', platform: 'spt', path: join(img, 'app.spt'), sha256: sha('kernel'),
    files: { tender: join(img, 'solo5-spt') }, filesSha256: { tender: sha('tender') },
    run: { devices: consoleOnly, cmdline: ['--x=1'], memoryMiB: 32, ready: null }, bootSettings: {}, ...over,
  }) as ImageRecord;

describe('prepareBoot (one path for foreground, detached and dry runs)', () => {
  it('--memory reaches the Solo5 tender: the memory is decided before the target builds its argv', async () => {
    const { spec, shownAccel } = await prepareBoot(record({}), { memoryMiB: 128 });
    expect(spec).toMatchObject({ kind: 'tender', args: ['--mem=128', join(img, 'app.spt'), '--x=1'], memoryMiB: 128 });
    expect(shownAccel).toBe('none');
    expect((await prepareBoot(record({}), {})).spec).toMatchObject({ args: ['--mem=32', join(img, 'app.spt'), '--x=1'] });
  });

  it('QEMU images: --memory and -v reach the argv, the 9p tags made by the same function as at build time', async () => {
    const dir = tmpTree();
    mkdirSync(join(dir, 'other'));
    const share: Devices = { ...consoleOnly, share: [{ tag: 'fs0', source: '/h/www', dest: '/www' }] };
    const image = record({ target: 'unikraft', platform: 'qemu/x86_64', path: join(img, 'k'), files: {}, run: { devices: share, cmdline: [], memoryMiB: 16, ready: null } });
    const { spec, accel } = await prepareBoot(image, { accel: 'tcg', memoryMiB: 64, overrides: { volumes: [`${join(dir, 'other')}:/data/`] } });
    expect(accel).toBe('tcg');
    expect(spec.memoryMiB).toBe(64);
    expect(spec.devices.share).toEqual([{ tag: 'fs0', source: join(dir, 'other'), dest: '/data' }]);
  });

  it('hands the target only what it needs to boot (BootInput), with the stored boot settings', () => {
    const input = bootInputOf(record({ target: 'osv', platform: 'qemu/x86_64', files: { disk: '/img/usr.img' }, bootSettings: { fs: 'rofs' } }), 256);
    expect(input).toEqual({ name: 'app', platform: 'qemu/x86_64', kernel: join(img, 'app.spt'), files: { disk: '/img/usr.img' }, memoryMiB: 256, bootSettings: { fs: 'rofs' } });
  });
});

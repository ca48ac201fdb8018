import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { findCached, findImage, listImages, putImage, removeImage } from '../../images/store.js';
import { layout } from '../../lib/home.js';
import { tmpTree } from '../helpers/tmp.js';

function recordFor(id: string, name = 'hello'): Omit<ImageRecord, 'path' | 'files' | 'sizeBytes' | 'sha256'> {
  return {
    id,
    name,
    target: 'unikraft',
    platform: 'qemu/x86_64',
    drivers: [],
    libraries: [],
    buildSeconds: 1,
    sources: [],
    frameworkVersion: null,
    createdAt: new Date(Date.now() + Number.parseInt(id.slice(0, 4), 16)).toISOString(),
    appDir: '/app',
    cacheKey: id.repeat(2),
    bootSettings: {},
    run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: [], memoryMiB: 8, ready: null },
  };
}

describe('image store', () => {
  it('stores a kernel with size and sha256, finds it by id, prefix, name and cache key', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ 'k_qemu-x86_64': 'kernel-bytes' });
    const rec = await putImage(l, join(built, 'k_qemu-x86_64'), {}, recordFor('aaaa11112222'));
    expect(rec.sizeBytes).toBe(12);
    expect(rec.sha256).toBe(createHash('sha256').update('kernel-bytes').digest('hex'));
    expect(existsSync(rec.path)).toBe(true);
    expect(findImage(l, 'aaaa11112222').id).toBe(rec.id);
    expect(findImage(l, 'aaaa').id).toBe(rec.id);
    expect(findImage(l, 'hello').id).toBe(rec.id);
    expect((await findCached(l, rec.cacheKey))?.id).toBe(rec.id);
    expect(readdirSync(l.images).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('replaces the previous image of the same name and forgets a kernel that no longer matches', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'one' });
    const first = await putImage(l, join(built, 'k'), {}, recordFor('bbbb00000001'));
    writeFileSync(join(built, 'k'), 'two!');
    const second = await putImage(l, join(built, 'k'), {}, recordFor('cccc00000002'));
    expect(listImages(l).map((i) => i.id)).toEqual([second.id]);
    expect(existsSync(first.path)).toBe(false);
    writeFileSync(second.path, 'tampered and longer');
    expect(await findCached(l, second.cacheKey)).toBeNull();
  });

  it('keeps images of other names, and removes by name', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'x' });
    await putImage(l, join(built, 'k'), {}, recordFor('dddd00000001', 'one'));
    await putImage(l, join(built, 'k'), {}, recordFor('eeee00000002', 'two'));
    expect(listImages(l)).toHaveLength(2);
    await removeImage(l, 'one');
    expect(listImages(l).map((i) => i.name)).toEqual(['two']);
  });

  it('names the missing image in one line with exit code 2', () => {
    const l = layout(tmpTree());
    expect(() => findImage(l, 'nope')).toThrow(/image: expected an image id or name .* found "nope"/);
  });
});

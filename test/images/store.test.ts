import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { findCached, findImage, listImages, putImage, removeImage, scanImages, verifyImage } from '../../images/store.js';
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

  it('keeps each boot file next to the kernel with its sha256', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'kernel', 'usr.img': 'disk bytes' });
    const rec = await putImage(l, join(built, 'k'), { disk: join(built, 'usr.img') }, recordFor('ffff00000001'));
    expect(rec.files).toEqual({ disk: join(l.images, rec.id, 'usr.img') });
    expect(rec.filesSha256).toEqual({ disk: createHash('sha256').update('disk bytes').digest('hex') });
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

/** A record written by hand into the store (as a crash, an edit or an attacker would leave it). */
function plant(l: ReturnType<typeof layout>, dir: string, record: unknown): string {
  mkdirSync(join(l.images, dir), { recursive: true });
  writeFileSync(join(l.images, dir, 'record.json'), JSON.stringify(record));
  return join(l.images, dir, 'record.json');
}

describe('image store, untrusted records', () => {
  it('skips corrupt records, naming each file and what is wrong, and lists the rest', async () => {
    const l = layout(tmpTree());
    const good = await putImage(l, join(tmpTree({ k: 'x' }), 'k'), {}, recordFor('aaaa00000001'));
    const partial = plant(l, 'deadbeef0000', { id: 'deadbeef0000' });
    const nul = plant(l, 'deadbeef0001', null);
    writeFileSync(join(mkdirSync(join(l.images, 'deadbeef0002'), { recursive: true })!, 'record.json'), '{"id": "dead');
    const { images, problems } = scanImages(l);
    expect(images.map((i) => i.id)).toEqual([good.id]);
    expect(problems).toEqual([
      { id: 'deadbeef0000', file: partial, why: 'its name is undefined, not a string' },
      { id: 'deadbeef0001', file: nul, why: 'it holds null, not an image record' },
      { id: 'deadbeef0002', file: join(l.images, 'deadbeef0002', 'record.json'), why: 'it is not valid JSON' },
    ]);
    expect(() => findImage(l, 'deadbeef0000')).toThrow(expect.objectContaining({ exitCode: 1, message: expect.stringContaining(`image deadbeef0000 is unusable: ${partial}: its name is undefined`) }));
    expect(await removeImage(l, 'deadbeef0001')).toEqual({ id: 'deadbeef0001', name: '(unusable record)' });
    expect(existsSync(join(l.images, 'deadbeef0001'))).toBe(false);
  });

  it('never acts on an id that is not its own hex directory name: rmi cannot delete outside the store', async () => {
    const l = layout(tmpTree());
    const victim = join(l.home, 'victim');
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'precious'), 'keep me');
    const kernel = join(tmpTree({ k: 'x' }), 'k');
    const stored = await putImage(l, kernel, {}, recordFor('aaaa00000002', 'victim'));
    // The record now claims to be "../victim".
    writeFileSync(join(l.images, stored.id, 'record.json'), JSON.stringify({ ...stored, id: '../victim' }));
    expect(scanImages(l).problems).toEqual([expect.objectContaining({ id: stored.id, why: 'its id "../victim" is not 12 lowercase hex digits' })]);
    await expect(removeImage(l, 'victim')).rejects.toMatchObject({ exitCode: 2 });
    await expect(removeImage(l, '../victim')).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(join(victim, 'precious'), 'utf8')).toBe('keep me');
    await expect(putImage(l, kernel, {}, { ...recordFor('aaaa00000009'), id: '../victim' })).rejects.toThrow(/not 12 lowercase hex digits/);
    expect(existsSync(victim)).toBe(true);
  });

  it('refuses records that name files outside their own directory', async () => {
    const l = layout(tmpTree());
    const stored = await putImage(l, join(tmpTree({ k: 'x' }), 'k'), {}, recordFor('aaaa00000003'));
    writeFileSync(join(l.images, stored.id, 'record.json'), JSON.stringify({ ...stored, path: '/etc/shadow' }));
    expect(scanImages(l).problems[0]!.why).toBe('it names "/etc/shadow", outside its directory');
  });
});

describe('image store, verified before use', () => {
  it('a kernel garbled without changing its size is no cache hit, and cannot boot: the file and the rebuild are named', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'kernel-bytes', 'disk.img': 'disk-bytes' });
    const rec = await putImage(l, join(built, 'k'), { disk: join(built, 'disk.img') }, recordFor('aaaa00000004'));
    expect(rec.filesSha256.disk).toBe(createHash('sha256').update('disk-bytes').digest('hex'));
    await verifyImage(rec);
    writeFileSync(rec.path, 'kernel-BYTES');
    const heard: string[] = [];
    expect(await findCached(l, rec.cacheKey, (w) => heard.push(w))).toBeNull();
    expect(heard).toEqual([expect.stringContaining(`stored image hello (aaaa00000004): ${rec.path} is corrupt (sha256 `)]);
    await expect(verifyImage(rec)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(new RegExp(`^image hello \\(aaaa00000004\\): ${rec.path} is corrupt .*; rebuild it with "unik build /app"$`)) });
  });

  it('hashes a file again only after it changed: a remembered check still sees a rewrite of the same size', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'kernel-bytes' });
    const rec = await putImage(l, join(built, 'k'), {}, recordFor('aaaa00000006'));
    // Once the file is a second old its stamp is settled, and the check is remembered.
    await new Promise((r) => setTimeout(r, 1100));
    await verifyImage(rec);
    expect(JSON.parse(readFileSync(join(dirname(rec.path), '.verified.json'), 'utf8'))).toHaveProperty([rec.path]);
    await verifyImage(rec);
    writeFileSync(rec.path, 'kernel-BYTES');
    await expect(verifyImage(rec)).rejects.toThrow(`${rec.path} is corrupt`);
  });

  it('checks the extra files too (an OSv disk, a tender)', async () => {
    const l = layout(tmpTree());
    const built = tmpTree({ k: 'kernel-bytes', 'disk.img': 'disk-bytes' });
    const rec = await putImage(l, join(built, 'k'), { disk: join(built, 'disk.img') }, recordFor('aaaa00000005'));
    writeFileSync(rec.files.disk!, 'DISK-bytes');
    await expect(verifyImage(rec)).rejects.toThrow(`${rec.files.disk} is corrupt`);
    expect(await findCached(l, rec.cacheKey)).toBeNull();
  });
});

import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readContents } from '../../oci/contents.js';
import { canonicalJson, MEDIA, packageImage, RECORD_LABEL, sha256Of } from '../../oci/package.js';
import { readTar } from '../../oci/tar.js';
import { uruncAnnotations, uruncConfig, uruncJson, uruncPair } from '../../oci/urunc.js';
import { storedFixture } from './fixtures.js';

const json = (b: Buffer | undefined) => JSON.parse(b!.toString()) as Record<string, any>;

describe('packageImage', () => {
  it('is reproducible: the same image gives the same manifest digest, whatever the tag or the time', async () => {
    const { image } = await storedFixture();
    const contents = await readContents(image);
    const a = packageImage(image, contents, '1.0');
    await new Promise((r) => setTimeout(r, 5));
    const b = packageImage(structuredClone(image), await readContents(image), 'other-tag');
    expect(b.manifest.digest).toBe(a.manifest.digest);
    expect([...b.blobs.keys()]).toEqual([...a.blobs.keys()]);
    const { image: other } = await storedFixture({ kernel: 'ELF kernel bytes!' });
    expect(packageImage(other, await readContents(other), '1.0').manifest.digest).not.toBe(a.manifest.digest);
  });

  it('one linux/amd64 image: config with the record, one gzip layer, urunc and OCI annotations', async () => {
    const { image } = await storedFixture();
    const pkg = packageImage(image, await readContents(image), '1.0');
    const manifest = json(pkg.blobs.get(pkg.manifest.digest));
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: MEDIA.manifest, config: { mediaType: MEDIA.config }, layers: [{ mediaType: MEDIA.layerGzip }] });
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    expect(manifest.annotations).toEqual({
      'com.urunc.unikernel.unikernelType': b64('unikraft'),
      'com.urunc.unikernel.hypervisor': b64('qemu'),
      'com.urunc.unikernel.binary': b64('/unik/kernel'),
      'com.urunc.unikernel.cmdline': b64('world two words'),
      'com.urunc.unikernel.unikernelVersion': b64('0.16.3'),
      'org.opencontainers.image.created': '2026-12-01T10:00:00.000Z',
      'org.opencontainers.image.title': 'hello-app',
      'org.opencontainers.image.version': 'a1b2c3d4e5f6',
      'org.opencontainers.image.revision': `unikraft@${'e'.repeat(40)}`,
    });
    const config = json(pkg.blobs.get(manifest.config.digest));
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux', created: image.createdAt, config: { Entrypoint: ['/unik/kernel'], Cmd: ['world', 'two words'] } });
    const { format, record } = JSON.parse(config.config.Labels[RECORD_LABEL]);
    expect(format).toBe(1);
    expect(record).toEqual({ ...image, path: 'app_qemu-x86_64', files: {}, filesSha256: {} });
    const tar = gunzipSync(pkg.blobs.get(manifest.layers[0].digest)!);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [sha256Of(tar)] });
    expect(pkg.layerBytes).toBe(tar.length);
    const entries = readTar(tar);
    expect(entries.map((e) => e.path)).toEqual(['unik/', 'unik/kernel', 'unik/record.json', 'urunc.json']);
    expect(entries[1]!.data!.toString()).toBe('ELF kernel bytes');
    // The layer's record is the label itself: a runtime, which sees no image config, boots from it.
    expect(entries[2]!.data!.toString()).toBe(config.config.Labels[RECORD_LABEL]);
    const index = json(pkg.index);
    expect(index.manifests).toEqual([{ ...pkg.manifest, platform: { architecture: 'amd64', os: 'linux' }, annotations: { 'org.opencontainers.image.ref.name': '1.0' } }]);
  });

  it('OSv: kernel + disk at stable paths, no urunc type claimed', async () => {
    const { image } = await storedFixture({ target: 'osv', files: { disk: 'rofs disk' } });
    const pkg = packageImage(image, await readContents(image), 'x');
    const manifest = json(pkg.blobs.get(pkg.manifest.digest));
    expect(Object.keys(manifest.annotations).filter((k) => k.startsWith('com.urunc'))).toEqual([]);
    const entries = readTar(gunzipSync(pkg.blobs.get(manifest.layers[0].digest)!));
    expect(entries.map((e) => e.path)).toEqual(['unik/', 'unik/files/', 'unik/files/disk', 'unik/kernel', 'unik/record.json']);
    const record = JSON.parse(json(pkg.blobs.get(manifest.config.digest)).config.Labels[RECORD_LABEL]).record;
    expect(record.files).toEqual({ disk: 'disk.bin' });
    expect(record.filesSha256.disk).toBe(sha256Of(Buffer.from('rofs disk')).slice(7));
  });

  it('a Solo5 tender stays executable in the layer', async () => {
    const { image } = await storedFixture({ target: 'mirage', platform: 'spt', files: { tender: '#!solo5-spt' } });
    const pkg = packageImage(image, await readContents(image), 'x');
    const manifest = json(pkg.blobs.get(pkg.manifest.digest));
    const tender = readTar(gunzipSync(pkg.blobs.get(manifest.layers[0].digest)!)).find((e) => e.path === 'unik/files/tender');
    expect(tender!.mode).toBe(0o755);
  });
});

describe('urunc', () => {
  it.each([
    ['unikraft', 'qemu/x86_64', { type: 'unikraft', hypervisor: 'qemu' }],
    ['mirage', 'spt', { type: 'mirage', hypervisor: 'spt' }],
    ['mirage', 'hvt', { type: 'mirage', hypervisor: 'hvt' }],
    ['mirage', 'virtio', { type: 'mirage', hypervisor: 'qemu' }],
    ['osv', 'qemu/x86_64', null],
  ] as const)('%s on %s → %o', (target, platform, pair) => {
    expect(uruncPair({ target, platform })).toEqual(pair);
  });

  it('urunc.json holds the same keys, each value base64 (as urunc decodes them)', () => {
    const a = uruncAnnotations({ target: 'mirage', platform: 'spt', frameworkVersion: null, run: { cmdline: [], devices: { console: true, net: null, block: [], share: [] }, memoryMiB: 8, ready: null } });
    const j = JSON.parse(uruncJson(a)) as Record<string, string>;
    expect(Object.keys(j).sort()).toEqual(Object.keys(a).sort());
    const decoded = Object.fromEntries(Object.entries(j).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(j).toEqual(a);
    expect(decoded).toEqual({ ...uruncConfig({ target: 'mirage', platform: 'spt', frameworkVersion: null, run: { cmdline: [], devices: { console: true, net: null, block: [], share: [] }, memoryMiB: 8, ready: null } }) });
    expect(decoded['com.urunc.unikernel.hypervisor']).toBe('spt');
  });

  it('canonicalJson: key order does not change the bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 }));
  });
});

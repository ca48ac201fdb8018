import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listImages } from '../../images/store.js';
import { which } from '../../lib/which.js';
import { layout } from '../../lib/home.js';
import { exportImage, importArchive } from '../../oci/archive.js';
import { readContents } from '../../oci/contents.js';
import { dirSource, layoutFiles, memorySource, readVerified, writeLayout } from '../../oci/layout.js';
import { canonicalJson, packageImage, sha256Of, type OciPackage } from '../../oci/package.js';
import { pulledId, restoreImage } from '../../oci/restore.js';
import { tarOf } from '../../oci/tar.js';
import { tmpTree } from '../helpers/tmp.js';
import { storedFixture } from './fixtures.js';

/** Rewrite one JSON blob of a package (and every descriptor up to the index) so all digests are right again. */
function repackage(pkg: OciPackage, change: (config: Record<string, any>, manifest: Record<string, any>) => void): Map<string, Buffer> {
  const manifest = JSON.parse(pkg.blobs.get(pkg.manifest.digest)!.toString());
  const config = JSON.parse(pkg.blobs.get(manifest.config.digest)!.toString());
  change(config, manifest);
  const files = layoutFiles(pkg);
  const put = (b: Buffer) => (files.set(`blobs/sha256/${sha256Of(b).slice(7)}`, b), { digest: sha256Of(b), size: b.length });
  manifest.config = { ...manifest.config, ...put(Buffer.from(canonicalJson(config))) };
  const m = put(Buffer.from(canonicalJson(manifest)));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, ...m }] })));
  return files;
}

describe('reading an OCI image back', () => {
  it('a layout round trip restores the record (paths rewritten to the new store) and the bytes', async () => {
    const { image } = await storedFixture({ target: 'osv', files: { disk: 'rofs disk' } });
    const pkg = packageImage(image, await readContents(image), 't');
    const dir = tmpTree();
    await writeLayout(dir, pkg);
    const v = await readVerified(dirSource(dir, 'test'));
    expect(v.manifestDigest).toBe(pkg.manifest.digest);
    const l2 = layout(tmpTree());
    const back = await restoreImage(l2, v, 'test');
    const local = (r: typeof back) => ({ ...r, path: r.path.split('/').at(-1), files: Object.fromEntries(Object.entries(r.files).map(([k, p]) => [k, p.split('/').at(-1)])) });
    // Its own id space: derived from the manifest digest, marked pulled, never a cache key.
    expect(local(back)).toEqual({ ...local(image), patches: [], id: pulledId(pkg.manifest.digest), cacheKey: '', pulled: { digest: pkg.manifest.digest } });
    expect(back.path.startsWith(join(l2.images, back.id))).toBe(true);
    expect(readFileSync(back.files.disk!, 'utf8')).toBe('rofs disk');
    expect(readdirSync(l2.images).filter((f) => !f.startsWith('.'))).toEqual([back.id]);
  });

  it('a tampered blob is refused before anything is stored', async () => {
    const { image } = await storedFixture();
    const pkg = packageImage(image, await readContents(image), 't');
    const dir = tmpTree();
    await writeLayout(dir, pkg);
    const manifest = JSON.parse(pkg.blobs.get(pkg.manifest.digest)!.toString());
    const layerFile = join(dir, 'blobs/sha256', manifest.layers[0].digest.slice(7));
    const bytes = readFileSync(layerFile);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(layerFile, bytes);
    const err = await readVerified(dirSource(dir, 'REF')).catch((e) => e);
    expect(err.message).toMatch(/^REF: the layer blob does not match its digest \(expected sha256:[0-9a-f]{64}, \d+ bytes; got sha256:[0-9a-f]{64}, \d+ bytes\); refused, nothing stored$/);
    expect(err.exitCode).toBe(1);
  });

  it('a layer whose files do not match the record is refused, and the store stays empty', async () => {
    const { image } = await storedFixture();
    const contents = await readContents(image);
    const pkg = packageImage({ ...image, sha256: 'f'.repeat(64) }, contents, 't');
    const l2 = layout(tmpTree());
    const v = await readVerified(memorySource(layoutFiles(pkg), 'REF'));
    await expect(restoreImage(l2, v, 'REF')).rejects.toThrow(/^REF: \/unik\/kernel does not match the sha256 in its record; refused, nothing stored$/);
    expect(existsSync(l2.images) ? readdirSync(l2.images) : []).toEqual([]);
  });

  it('an image for another architecture is refused (exit 2)', async () => {
    const { image } = await storedFixture();
    const files = repackage(packageImage(image, await readContents(image), 't'), (c) => (c.architecture = 'arm64'));
    const err = await readVerified(memorySource(files, 'REF')).catch((e) => e);
    expect(err.message).toBe('REF: expected an image for linux/amd64, found one for linux/arm64');
    expect(err.exitCode).toBe(2);
  });

  it('a plain container image and a urunc image not built by unik are told apart (exit 2)', async () => {
    const { image } = await storedFixture();
    const pkg = packageImage(image, await readContents(image), 't');
    const plain = repackage(pkg, (c, m) => ((c.config = {}), (m.annotations = {})));
    await expect(readVerified(memorySource(plain, 'REF'))).rejects.toThrow('REF: expected a unik image (config label dev.unik.image), found a plain container image');
    const urunc = repackage(pkg, (c) => delete c.config.Labels['dev.unik.image']);
    await expect(readVerified(memorySource(urunc, 'REF'))).rejects.toThrow(/^REF: expected an image built by unik, found a urunc unikraft image without unik's record/);
  });

  it('a record with a field unik never writes is refused, naming the field', async () => {
    const { image } = await storedFixture();
    const pkg = packageImage(image, await readContents(image), 't');
    const evil = repackage(pkg, (c) => {
      const label = JSON.parse(c.config.Labels['dev.unik.image']);
      label.record.path = '../../../etc/cron.d/x';
      c.config.Labels['dev.unik.image'] = JSON.stringify(label);
    });
    const v = await readVerified(memorySource(evil, 'REF'));
    await expect(restoreImage(layout(tmpTree()), v, 'REF')).rejects.toThrow(/^REF: unik record path: expected a file name$/);
  });
});

const skopeo = which('skopeo');
if (!skopeo) console.warn('\n*** SKIPPING the skopeo side of the export/import tests: skopeo is missing (apt-get install skopeo) ***\n');

describe('export / import', () => {
  it.skipIf(!skopeo)('export writes an OCI layout archive skopeo reads; import stores the same image elsewhere', async () => {
    const { image } = await storedFixture({ target: 'mirage', platform: 'spt', files: { tender: '#!solo5-spt' } });
    const file = join(tmpTree(), 'hello.tar');
    const res = await exportImage(image, file);
    const again = await exportImage(image, join(tmpTree(), 'again.tar'));
    expect(readFileSync(again.file).equals(readFileSync(file))).toBe(true);
    const inspect = await execa('skopeo', ['inspect', `oci-archive:${file}`]);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: res.digest, Architecture: 'amd64', Os: 'linux', Labels: { 'com.urunc.unikernel.hypervisor': Buffer.from('spt').toString('base64') } });
    const l2 = layout(tmpTree());
    const imported = await importArchive(l2, file);
    expect(imported.digest).toBe(res.digest);
    expect(imported.image).toMatchObject({ id: pulledId(res.digest), sha256: image.sha256, filesSha256: image.filesSha256, pulled: { digest: res.digest } });
    expect(listImages(l2)).toHaveLength(1);
  });

  it.skipIf(!skopeo)('skopeo-written archives import too', async () => {
    const { image } = await storedFixture();
    const file = join(tmpTree(), 'a.tar');
    await exportImage(image, file);
    const copy = join(tmpTree(), 'b.tar');
    await execa('skopeo', ['copy', '--preserve-digests', `oci-archive:${file}`, `oci-archive:${copy}:x`]);
    const res = await importArchive(layout(tmpTree()), copy);
    expect(res.image.id).toBe(pulledId(res.digest));
    expect(res.image.sha256).toBe(image.sha256);
  });

  it('bad input: a wrong -o, a missing file, a file that is not an archive (exit 2)', async () => {
    const { image, l } = await storedFixture();
    await expect(exportImage(image, 'x.zip')).rejects.toThrow('-o: expected a file name ending in .tar, found "x.zip"');
    await expect(exportImage(image, '/no/such/dir/x.tar')).rejects.toThrow('-o: expected a file in an existing directory');
    await expect(importArchive(l, '/no/such.tar')).rejects.toThrow(/^FILE: expected an OCI image layout archive \(.tar\), found "\/no\/such.tar", which cannot be read$/);
    const junk = join(tmpTree(), 'junk.tar');
    writeFileSync(junk, gzipSync(Buffer.alloc(4096, 7)));
    await expect(importArchive(l, junk)).rejects.toThrow(/^FILE: expected an OCI image layout archive/);
    const empty = join(tmpTree(), 'empty.tar');
    writeFileSync(empty, tarOf([]));
    await expect(importArchive(l, empty)).rejects.toThrow(/expected an OCI image layout \(oci-layout and index.json\), found none/);
  });
});

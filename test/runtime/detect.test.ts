import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContents } from '../../oci/contents.js';
import { layerEntries } from '../../oci/package.js';
import { bundleImage, detect, MAX_RECORD_BYTES, rootfsOf } from '../../runtime/detect.js';
import { storedFixture } from '../oci/fixtures.js';
import { tmpTree } from '../helpers/tmp.js';

/** A bundle whose rootfs is the layer unik pushes for a stored fixture image. */
async function unikBundle(files?: Record<string, string>) {
  const { image } = await storedFixture(files ? { target: 'osv', files } : {});
  const bundle = tmpTree();
  for (const e of layerEntries(image, await readContents(image))) {
    const p = join(bundle, 'rootfs', e.path);
    if (e.path.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, e.data!);
  }
  return { bundle, image, rootfs: join(bundle, 'rootfs') };
}

describe('detect', () => {
  it('a rootfs with /unik/kernel and /unik/record.json is unik\'s; the record comes back checked, pointing into the rootfs', async () => {
    const { bundle, image, rootfs } = await unikBundle({ disk: 'rofs' });
    const d = detect(bundle, {});
    expect(d).toEqual({ kind: 'unik', rootfs, recordFile: join(rootfs, 'unik/record.json') });
    const rec = bundleImage(rootfs, join(rootfs, 'unik/record.json'));
    expect(rec).toMatchObject({ id: image.id, name: image.name, sha256: image.sha256, path: join(rootfs, 'unik/kernel'), files: { disk: join(rootfs, 'unik/files/disk') } });
  });

  it('anything else (no kernel, a kernel that is a link) is not: it goes to runc', () => {
    expect(detect(tmpTree({ 'rootfs/bin/sh': 'x' }), {})).toEqual({ kind: 'other' });
    const b = tmpTree({ 'rootfs/unik/record.json': '{}' });
    symlinkSync('/etc/passwd', join(b, 'rootfs/unik/kernel'));
    expect(detect(b, {})).toEqual({ kind: 'other' });
  });

  it('root.path: relative to the bundle, or absolute', () => {
    expect(rootfsOf('/b', { root: { path: 'rfs' } })).toBe('/b/rfs');
    expect(rootfsOf('/b', { root: { path: '/x/rfs' } })).toBe('/x/rfs');
    expect(rootfsOf('/b', {})).toBe('/b/rootfs');
  });

  it('a kernel without its record is a clear error, not a container of runc\'s', () => {
    const b = tmpTree({ 'rootfs/unik/kernel': 'ELF' });
    expect(() => detect(b, {})).toThrow('/unik/kernel is there but /unik/record.json is not');
  });

  it('the record is untrusted: checked like a pulled one, bounded in size, its files regular files', async () => {
    const { rootfs } = await unikBundle();
    const file = join(rootfs, 'unik/record.json');
    const label = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...label, record: { ...label.record, name: '../../etc' } }));
    expect(() => bundleImage(rootfs, file)).toThrow('/unik/record.json: unik record name: expected an image name');
    writeFileSync(file, JSON.stringify({ ...label, record: { ...label.record, run: { ...label.record.run, memoryMiB: 1 << 20 } } }));
    expect(() => bundleImage(rootfs, file)).toThrow('run.memoryMiB: expected a whole number from 2 to 4096');
    writeFileSync(file, ' '.repeat(MAX_RECORD_BYTES + 1));
    expect(() => bundleImage(rootfs, file)).toThrow(`expected a unik record of at most ${MAX_RECORD_BYTES} bytes`);
    writeFileSync(file, 'not json');
    expect(() => bundleImage(rootfs, file)).toThrow('/unik/record.json: expected JSON');
  });

  it('a boot file that is a link is refused', async () => {
    const { rootfs } = await unikBundle({ disk: 'rofs' });
    rmSync(join(rootfs, 'unik/files/disk'));
    symlinkSync('/etc/shadow', join(rootfs, 'unik/files/disk'));
    expect(() => bundleImage(rootfs, join(rootfs, 'unik/record.json'))).toThrow('/unik/files/disk: expected a regular file in the image');
  });
});

import { gzipSync } from 'node:zlib';
import { readContents } from '../../oci/contents.js';
import { layoutFiles } from '../../oci/layout.js';
import { canonicalJson, MEDIA, packageImage, RECORD_LABEL, sha256Of } from '../../oci/package.js';
import { tarOf } from '../../oci/tar.js';
import type { TargetName, Platform } from '../../manifest/manifest.js';
import { storedFixture } from './fixtures.js';

/** What a hostile registry controls: the record in the label, the layer's bytes, the manifest's descriptors. */
export interface Craft {
  /** Change the record (as it travels in the label) in place. */
  record?: (r: Record<string, any>) => void;
  /** The layer's uncompressed tar (default: the fixture's real one). */
  tar?: Buffer;
  /** The layer blob as sent (default: gzip of `tar`). */
  blob?: Buffer;
  /** Change the manifest before it is hashed. */
  manifest?: (m: Record<string, any>) => void;
  target?: TargetName;
  platform?: Platform;
  files?: Record<string, string>;
}

/**
 * An OCI image layout (path → bytes) that is a real unik package of a fixture image with the given changes,
 * every digest recomputed so that only the change itself is wrong.
 */
export async function craftLayout(c: Craft = {}): Promise<Map<string, Buffer>> {
  const { image } = await storedFixture({ ...(c.target ? { target: c.target } : {}), ...(c.platform ? { platform: c.platform } : {}), ...(c.files ? { files: c.files } : {}) });
  const pkg = packageImage(image, await readContents(image), 't');
  const manifest = JSON.parse(pkg.blobs.get(pkg.manifest.digest)!.toString());
  const config = JSON.parse(pkg.blobs.get(manifest.config.digest)!.toString());
  const label = JSON.parse(config.config.Labels[RECORD_LABEL]);
  c.record?.(label.record);
  config.config.Labels[RECORD_LABEL] = JSON.stringify(label);
  const tar = c.tar ?? (c.blob ? null : (await import('node:zlib')).gunzipSync(pkg.blobs.get(manifest.layers[0].digest)!));
  const blob = c.blob ?? gzipSync(tar!);
  if (tar) config.rootfs.diff_ids = [sha256Of(tar)];
  const files = new Map<string, Buffer>([...layoutFiles(pkg)].filter(([p]) => !p.startsWith('blobs/')));
  const put = (b: Buffer) => (files.set(`blobs/sha256/${sha256Of(b).slice(7)}`, b), { digest: sha256Of(b), size: b.length });
  manifest.config = { ...manifest.config, ...put(Buffer.from(canonicalJson(config))) };
  manifest.layers = [{ mediaType: MEDIA.layerGzip, ...put(blob) }];
  c.manifest?.(manifest);
  const m = put(Buffer.from(canonicalJson(manifest)));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MEDIA.manifest, ...m }] })));
  return files;
}

/** The same layout as one archive for `unik import`. */
export const archiveOf = (files: Map<string, Buffer>): Buffer =>
  tarOf([{ path: 'blobs/' }, { path: 'blobs/sha256/' }, ...[...files].map(([path, data]) => ({ path, data }))]);

/** A tar of raw 512-byte headers: for numbers no honest writer produces. */
export function rawTar(headers: { name: string; type: string; size?: string; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of headers) {
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'ascii');
    h.write('0000000\0', 108, 'ascii');
    h.write('0000000\0', 116, 'ascii');
    h.write(e.size ?? (e.data ? e.data.length.toString(8).padStart(11, '0') + '\0' : '00000000000\0'), 124, 'latin1');
    h.write('00000000000\0', 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write(e.type, 156, 'ascii');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    parts.push(h);
    if (e.data) parts.push(e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A PAX extended header body holding these records. */
export function pax(records: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(records)
      .map(([k, v]) => {
        const body = ` ${k}=${v}\n`;
        let len = body.length + 1;
        while (String(len).length + body.length !== len) len = String(len).length + body.length;
        return `${len}${body}`;
      })
      .join(''),
  );
}

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { failure, usageError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { packageStored, withScratch } from './contents.js';
import { writeLayout } from './layout.js';
import { parseRef } from './ref.js';
import { rememberRef } from './refs.js';
import { transfer, type RegistryOptions } from './skopeo.js';

export interface PushResult {
  ref: string;
  digest: string;
  image: { id: string; name: string };
  /** Each blob of the image (config, layer) with its size; the registry keeps those it already has. */
  blobs: { digest: string; size: number }[];
}

/** Package a stored image and push it to REF; the registry's digest must be the one unik computed. */
export async function pushImage(l: Layout, image: ImageRecord, refText: string, o: RegistryOptions): Promise<PushResult> {
  const ref = parseRef(refText);
  if (!ref.tag) throw usageError(`REF: expected a tag to push to (e.g. ${ref.registry}/${ref.repository}:1.0), found a digest`);
  const pkg = await packageStored(image, ref.tag);
  await withScratch(l, 'push', async (dir) => {
    await writeLayout(dir, pkg);
    const digestFile = join(dir, 'pushed-digest');
    await transfer(l, 'push', ref, dir, o, { digestFile, bytes: [...pkg.blobs.values()].reduce((n, b) => n + b.length, 0) });
    const pushed = (await fsp.readFile(digestFile, 'utf8')).trim();
    if (pushed !== pkg.manifest.digest) throw failure(`${ref.canonical}: the registry stored manifest ${pushed.slice(0, 80)}, not the ${pkg.manifest.digest} unik built`);
  });
  await rememberRef(l, ref.canonical, { id: image.id, digest: pkg.manifest.digest });
  const blobs = [...pkg.blobs].filter(([d]) => d !== pkg.manifest.digest).map(([digest, b]) => ({ digest, size: b.length }));
  return { ref: ref.canonical, digest: pkg.manifest.digest, image: { id: image.id, name: image.name }, blobs };
}

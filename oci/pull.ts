import { failure, UnikError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { withScratch } from './contents.js';
import { dirSource, readVerified } from './layout.js';
import { parseRef, type ImageRef } from './ref.js';
import { rememberRef } from './refs.js';
import { diskFullAware, restoreImage } from './restore.js';
import { transfer, type RegistryOptions } from './skopeo.js';

export interface PullResult {
  ref: string;
  digest: string;
  image: ImageRecord;
}

/**
 * Pull REF into a scratch layout, verify every blob and file against its digest, then store the image in
 * one rename. On any failure the scratch layout goes and the store is as it was.
 */
export async function pullImage(l: Layout, refText: string, o: RegistryOptions): Promise<PullResult> {
  const ref = parseRef(refText);
  try {
    return await withScratch(l, 'pull', (dir) => pullInto(l, ref, dir, o));
  } catch (e) {
    throw e instanceof UnikError ? e : diskFullAware(e, l.images);
  }
}

async function pullInto(l: Layout, ref: ImageRef, dir: string, o: RegistryOptions): Promise<PullResult> {
  await transfer(l, 'pull', ref, dir, o);
  const verified = await readVerified(dirSource(dir, ref.canonical));
  if (ref.digest && verified.manifestDigest !== ref.digest) {
    throw failure(`${ref.canonical}: the registry sent manifest ${verified.manifestDigest}; refused, nothing stored`);
  }
  const image = await restoreImage(l, verified, ref.canonical);
  await rememberRef(l, ref.canonical, { id: image.id, digest: verified.manifestDigest });
  return { ref: ref.canonical, digest: verified.manifestDigest, image };
}

import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../lib/atomic.js';
import { usageError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { packageStored } from './contents.js';
import { layoutFiles, memorySource, readVerified } from './layout.js';
import { diskFullAware, restoreImage } from './restore.js';
import { readTar, tarOf, TarError } from './tar.js';

/**
 * Air-gapped hosts: an OCI image layout in one tar (what `skopeo copy … oci-archive:FILE` reads and
 * writes), built and read by unik itself with the same verification as a pull.
 */
export async function exportImage(image: ImageRecord, file: string): Promise<{ file: string; digest: string; bytes: number }> {
  if (!/\.tar$/.test(file)) throw usageError(`-o: expected a file name ending in .tar, found ${JSON.stringify(file)}`);
  const out = resolve(file);
  if (!(await fsp.stat(dirname(out)).catch(() => null))?.isDirectory()) throw usageError(`-o: expected a file in an existing directory, found ${JSON.stringify(file)}`);
  const pkg = await packageStored(image, image.name);
  const files = layoutFiles(pkg);
  const tar = tarOf([{ path: 'blobs/' }, { path: 'blobs/sha256/' }, ...[...files].map(([path, data]) => ({ path, data }))]);
  try {
    await writeFileAtomic(out, tar);
  } catch (e) {
    throw diskFullAware(e, out);
  }
  return { file: out, digest: pkg.manifest.digest, bytes: tar.length };
}

/** Read an OCI layout archive, verify it like a pull, and store its image. */
export async function importArchive(l: Layout, file: string): Promise<{ digest: string; image: ImageRecord }> {
  let data: Buffer;
  try {
    data = await fsp.readFile(file);
  } catch {
    throw usageError(`FILE: expected an OCI image layout archive (.tar), found ${JSON.stringify(file)}, which cannot be read`);
  }
  let entries;
  try {
    entries = readTar(data);
  } catch (e) {
    if (e instanceof TarError) throw usageError(`FILE: expected an OCI image layout archive (.tar), found ${JSON.stringify(file)}: ${e.message}`);
    throw e;
  }
  const files = new Map(entries.filter((e) => e.data).map((e) => [e.path, Buffer.from(e.data!)]));
  const verified = await readVerified(memorySource(files, file));
  return { digest: verified.manifestDigest, image: await restoreImage(l, verified, file) };
}

import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import { failure } from '../lib/errors.js';
import { removeOnExit } from '../lib/exit-cleanup.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { sweepScratch } from '../images/store.js';
import { packageImage, type ImageContents, type OciPackage } from './package.js';

/** Executable bits survive packaging (a Solo5 tender must stay runnable); everything else is 0644. */
const modeOf = async (path: string) => ((await fsp.stat(path)).mode & 0o111 ? 0o755 : 0o644);

async function readChecked(path: string, sha256: string | undefined, image: ImageRecord): Promise<{ data: Buffer; mode: number }> {
  let data: Buffer;
  try {
    data = await fsp.readFile(path);
  } catch {
    throw failure(`image ${image.name} (${image.id}): ${path} is missing from the store; rebuild it`);
  }
  if (sha256 && createHash('sha256').update(data).digest('hex') !== sha256) {
    throw failure(`image ${image.name} (${image.id}): ${path} no longer matches its sha256; rebuild it`);
  }
  return { data, mode: await modeOf(path) };
}

/** The bytes of a stored image, each checked against its record first: a damaged store is never shipped. */
export async function readContents(image: ImageRecord): Promise<ImageContents> {
  const files: ImageContents['files'] = {};
  for (const [role, path] of Object.entries(image.files)) files[role] = await readChecked(path, image.filesSha256?.[role], image);
  return { kernel: await readChecked(image.path, image.sha256, image), files };
}

/** A stored image as an OCI package. */
export const packageStored = async (image: ImageRecord, refName: string): Promise<OciPackage> => packageImage(image, await readContents(image), refName);

/**
 * Run `fn` with a fresh scratch directory inside the store's directory (same filesystem, hidden from
 * listImages), removed after it on every exit path: an error, Ctrl-C, SIGTERM (lib/exit-cleanup.ts).
 */
export async function withScratch<T>(l: Layout, kind: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempSibling(join(l.images, kind));
  const drop = removeOnExit(dir);
  try {
    // Only a dead process's entries go, so this needs no lock: nobody else ever uses them.
    await sweepScratch(l);
    await fsp.mkdir(dir, { recursive: true });
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
    drop();
  }
}

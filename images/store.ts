import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sha256File, tempSibling, writeJsonAtomic } from '../lib/atomic.js';
import { usageError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from './record.js';
import { codeUnitOrder } from '../lib/order.js';

const RECORD = 'record.json';

/** All images, newest first. A directory without a readable record (a crash mid-write) is skipped. */
export function listImages(l: Layout): ImageRecord[] {
  if (!existsSync(l.images)) return [];
  const out: ImageRecord[] = [];
  for (const id of readdirSync(l.images)) {
    if (id.startsWith('.')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(l.images, id, RECORD), 'utf8')) as ImageRecord);
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => codeUnitOrder(b.createdAt, a.createdAt));
}

/** Resolve an image by id, unique id prefix (4+ chars) or name (newest of that name). */
export function findImage(l: Layout, ref: string): ImageRecord {
  const all = listImages(l);
  const exact = all.find((r) => r.id === ref) ?? all.find((r) => r.name === ref);
  if (exact) return exact;
  const byPrefix = ref.length >= 4 ? all.filter((r) => r.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw usageError(`image: expected a unique id or name, found ${JSON.stringify(ref)}, which matches ${byPrefix.length} images`);
  throw usageError(`image: expected an image id or name (see "unik images"), found ${JSON.stringify(ref)}, which is not in the store`);
}

/** The stored image built from exactly these inputs, if its kernel is intact. */
export async function findCached(l: Layout, key: string): Promise<ImageRecord | null> {
  const hit = listImages(l).find((r) => r.cacheKey === key);
  if (!hit || !existsSync(hit.path)) return null;
  const st = await stat(hit.path);
  return st.size === hit.sizeBytes ? hit : null;
}

/**
 * Copy a built kernel (and its extra files) into the store under `record.id`: everything is assembled in a
 * temp directory and renamed into place, so a crash leaves no half image. Older images of the same
 * name/target/platform are replaced.
 */
export async function putImage(
  l: Layout,
  kernelPath: string,
  files: Record<string, string>,
  record: Omit<ImageRecord, 'path' | 'files' | 'sizeBytes' | 'sha256'>,
): Promise<ImageRecord> {
  const final = join(l.images, record.id);
  const tmp = tempSibling(final);
  await mkdir(tmp, { recursive: true });
  try {
    const kernelName = basename(kernelPath);
    await copyFile(kernelPath, join(tmp, kernelName));
    const stored: Record<string, string> = {};
    for (const [role, path] of Object.entries(files)) {
      await copyFile(path, join(tmp, basename(path)));
      stored[role] = join(final, basename(path));
    }
    const full: ImageRecord = {
      ...record,
      path: join(final, kernelName),
      files: stored,
      sizeBytes: (await stat(kernelPath)).size,
      sha256: await sha256File(kernelPath),
    };
    await writeJsonAtomic(join(tmp, RECORD), full);
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    for (const old of listImages(l)) {
      if (old.id !== full.id && old.name === full.name && old.target === full.target && old.platform === full.platform) {
        await rm(join(l.images, old.id), { recursive: true, force: true });
      }
    }
    return full;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Rewrite a record's run settings (cmdline, memory, ...) without touching the kernel. */
export async function updateRecord(l: Layout, record: ImageRecord): Promise<void> {
  await writeJsonAtomic(join(l.images, record.id, RECORD), record);
}

export async function removeImage(l: Layout, ref: string): Promise<ImageRecord> {
  const rec = findImage(l, ref);
  await rm(join(l.images, rec.id), { recursive: true, force: true });
  return rec;
}

/** Everything an image boots with: the kernel plus its extra files (OSv's rofs disk), in bytes. */
export function totalBytes(image: Pick<ImageRecord, 'sizeBytes' | 'files'>): number {
  return Object.values(image.files).reduce((sum, f) => sum + statSync(f).size, image.sizeBytes);
}

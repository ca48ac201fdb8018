import { existsSync, readdirSync, readFileSync, statSync, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { scratchOwner, sha256File, tempSibling, writeJsonAtomic } from '../lib/atomic.js';
import { removeOnExit } from '../lib/exit-cleanup.js';
import { isAlive } from '../lib/pid.js';
import { failure } from '../lib/errors.js';
import { humanBytes } from '../lib/format.js';
import { shellQuote } from '../lib/terminal-text.js';
import type { Layout } from '../lib/home.js';
import { withLock } from '../lib/lock.js';
import { findByRef } from '../lib/ref.js';
import type { ImageRecord } from './record.js';
import { IMAGE_ID, recordProblem } from './record-check.js';
import { codeUnitOrder } from '../lib/order.js';
import { fileStamp } from '../lib/file-stamp.js';

const RECORD = 'record.json';

/** A store entry that cannot be used: its directory name, its record file and why. */
export interface StoreProblem {
  id: string;
  file: string;
  why: string;
}

export interface StoreScan {
  /** Usable images, newest first. */
  images: ImageRecord[];
  problems: StoreProblem[];
}

/** One image directory: its usable record, or what is wrong with it. */
function readEntry(l: Layout, id: string): { image: ImageRecord } | { problem: StoreProblem } {
  const dir = join(l.images, id);
  const file = join(dir, RECORD);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: { id, file, why: code === 'ENOENT' || code === 'ENOTDIR' ? 'it is missing' : 'it is not valid JSON' } };
  }
  const why = recordProblem(raw, dir);
  return why ? { problem: { id, file, why } } : { image: raw as ImageRecord };
}

/** Every image directory: the usable records, and for each other one the file and what is wrong with it. */
export function scanImages(l: Layout): StoreScan {
  const scan: StoreScan = { images: [], problems: [] };
  if (!existsSync(l.images)) return scan;
  for (const id of readdirSync(l.images)) {
    // Dot entries are the store's own temp directories and lock.
    if (id.startsWith('.')) continue;
    const entry = readEntry(l, id);
    if ('image' in entry) scan.images.push(entry.image);
    else scan.problems.push(entry.problem);
  }
  scan.images.sort((a, b) => codeUnitOrder(b.createdAt, a.createdAt));
  return scan;
}

export const listImages = (l: Layout): ImageRecord[] => scanImages(l).images;

/** One line about an unusable store entry, for warnings and errors, with the way to remove it. */
export const problemLine = (p: StoreProblem): string =>
  `${p.file}: ${p.why}${IMAGE_ID.test(p.id) ? ` ("unik rmi ${p.id}" removes it)` : ''}`;

/** How images of one name differ: target, platform, and where each came from. */
export const imageOrigin = (i: ImageRecord): string => `${i.target} ${i.platform}, ${i.pulled ? 'pulled' : 'built here'}`;

const IMAGE_REF = { kind: 'image', id: (i: ImageRecord) => i.id, name: (i: ImageRecord) => i.name, list: 'images', describe: imageOrigin } as const;

/**
 * Resolve an image by id, unique id prefix (4+ chars) or name. A name several images have (other targets or
 * platforms, a pulled image beside a local build) is an error listing them, unless `platform` picks one.
 */
export function findImage(l: Layout, ref: string, platform?: string): ImageRecord {
  // An exact id wins over names and prefixes: its own record is all there is to read (`unik run ID` reads one file).
  if (IMAGE_ID.test(ref) && existsSync(join(l.images, ref))) {
    const entry = readEntry(l, ref);
    if ('image' in entry) return entry.image;
    throw failure(`image ${ref} is unusable: ${problemLine(entry.problem)}`);
  }
  const { images, problems } = scanImages(l);
  const broken = problems.find((p) => p.id === ref);
  if (broken) throw failure(`image ${ref} is unusable: ${problemLine(broken)}`);
  const onPlatform = platform ? images.filter((i) => i.name === ref && i.platform === platform) : [];
  if (onPlatform.length === 1) return onPlatform[0]!;
  return findByRef(images, ref, IMAGE_REF);
}

/** Where an image remembers which of its files were last found intact, and as which inode state. */
const VERIFIED = '.verified.json';

/**
 * What is wrong with an image's files on disk (missing, or not the bytes stored), or null when nothing is. A file
 * is hashed again only when its stamp changed since it was last found intact: every run and cache hit checks,
 * and only the first ones (or one after a change) pay for reading a kernel of up to megabytes.
 */
export async function corruption(image: Pick<ImageRecord, 'path' | 'sha256' | 'files' | 'filesSha256'>): Promise<string | null> {
  const expected: [string, string][] = [[image.path, image.sha256], ...Object.entries(image.files).map(([role, path]) => [path, image.filesSha256[role]!] as [string, string])];
  const memoPath = join(dirname(image.path), VERIFIED);
  const verified: Record<string, string> = existsSync(memoPath) ? JSON.parse(readFileSync(memoPath, 'utf8')) : {};
  const intact: Record<string, string> = {};
  for (const [path, sha] of expected) {
    const now = fileStamp(path);
    if (!now) return `${path} is missing`;
    const key = `${sha}@${now.stamp}`;
    if (verified[path] !== key) {
      const actual = await sha256File(path);
      if (actual !== sha) return `${path} is corrupt (sha256 ${actual.slice(0, 16)}…, stored as ${sha.slice(0, 16)}…)`;
    }
    if (now.settled) intact[path] = key;
  }
  // Remembering is an optimisation: a store that cannot be written just hashes again next time.
  if (JSON.stringify(intact) !== JSON.stringify(verified)) await writeJsonAtomic(memoPath, intact).catch(() => {});
  return null;
}

/** Refuse to use an image whose kernel or files changed since they were stored, saying which and how to rebuild. */
export async function verifyImage(image: ImageRecord): Promise<void> {
  const bad = await corruption(image);
  if (!bad) return;
  // A pulled image's appDir is a path on the machine that built it: only pulling again helps here.
  const fix = image.pulled ? `remove it with "unik rmi ${image.id}" and pull it again` : `rebuild it with "unik build ${shellQuote(image.appDir)}"`;
  throw failure(`image ${image.name} (${image.id}): ${bad}; ${fix}`);
}

/**
 * The stored image built from exactly these inputs, if its files are intact. A damaged one is not a hit:
 * `onCorrupt` hears which file, and the caller rebuilds (the new image replaces it).
 */
export async function findCached(l: Layout, key: string, onCorrupt?: (why: string) => void): Promise<ImageRecord | null> {
  // A local build is stored under its key's first 12 digits (buildImage), so one record is read, not the store.
  // Only local builds are cache hits: a pulled image's bytes are not known to be what this build would make.
  const id = key.slice(0, 12);
  const entry = IMAGE_ID.test(id) && existsSync(join(l.images, id)) ? readEntry(l, id) : null;
  const hit = entry && 'image' in entry && !entry.image.pulled && entry.image.cacheKey === key ? entry.image : null;
  if (!hit) return null;
  const bad = await corruption(hit);
  if (bad) onCorrupt?.(`stored image ${hit.name} (${hit.id}): ${bad}`);
  return bad ? null : hit;
}

/** How a new image enters the store (see "Where images come from" in the README). */
export interface PutOptions {
  /**
   * Set for an image from a registry or an archive. It never replaces or removes anything: not an image of the
   * same name, and never a local build that happens to share its id. Local builds replace older local builds of
   * the same name, target and platform, and nothing pulled.
   */
  pulled?: { digest: string };
}

/**
 * Copy a built kernel (and its extra files) into the store under `record.id`: everything is assembled in a
 * temp directory, sizes and checksums are taken from those copies (so the record describes exactly what is
 * stored), and it is moved into place under the store's lock, so a crash or a concurrent build leaves no
 * half image, and a reader never finds the image's directory missing or a file half-written.
 */
export async function putImage(
  l: Layout,
  kernelPath: string,
  files: Record<string, string>,
  record: Omit<ImageRecord, 'path' | 'files' | 'filesSha256' | 'sizeBytes' | 'sha256' | 'pulled'>,
  o: PutOptions = {},
): Promise<ImageRecord> {
  if (!IMAGE_ID.test(record.id)) throw new Error(`image id ${JSON.stringify(record.id)} is not 12 lowercase hex digits`);
  const final = join(l.images, record.id);
  const tmp = tempSibling(final);
  const dropScratch = removeOnExit(tmp);
  await fsp.mkdir(tmp, { recursive: true });
  try {
    const kernel = join(tmp, basename(kernelPath));
    await fsp.copyFile(kernelPath, kernel);
    const stored: Record<string, string> = {};
    const filesSha256: Record<string, string> = {};
    for (const [role, path] of Object.entries(files)) {
      await fsp.copyFile(path, join(tmp, basename(path)));
      stored[role] = join(final, basename(path));
      filesSha256[role] = await sha256File(join(tmp, basename(path)));
    }
    const full: ImageRecord = {
      ...record,
      ...(o.pulled ? { pulled: o.pulled, cacheKey: '' } : {}),
      path: join(final, basename(kernelPath)),
      files: stored,
      filesSha256,
      sizeBytes: (await fsp.stat(kernel)).size,
      sha256: await sha256File(kernel),
    };
    await writeJsonAtomic(join(tmp, RECORD), full);
    return await withLock(storeLock(l), async () => {
      await sweepScratch(l);
      const here = existsSync(final) ? readEntry(l, record.id) : null;
      const old = here && 'image' in here ? here.image : null;
      if (o.pulled && old && !old.pulled) {
        throw failure(`image ${record.id} is a local build of ${old.name}; a pulled image may never replace it (refused, nothing stored)`);
      }
      // The same pulled image again (same manifest digest, so same bytes): the stored one stays as it is.
      if (o.pulled && old?.pulled?.digest === o.pulled.digest && !(await corruption(old))) return old;
      if (here) await swapInto(tmp, final);
      else await fsp.rename(tmp, final);
      if (!o.pulled) {
        for (const other of listImages(l)) {
          if (other.id !== full.id && !other.pulled && other.name === full.name && other.target === full.target && other.platform === full.platform) {
            await fsp.rm(join(l.images, other.id), { recursive: true, force: true });
          }
        }
      }
      return full;
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      const need = [kernelPath, ...Object.values(files)].reduce((sum, f) => sum + statSync(f).size, 0);
      throw failure(`no space left on device storing image ${record.name} in ${l.images}: it needs ${humanBytes(need)} free there`);
    }
    throw e;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
    dropScratch();
  }
}

/**
 * Replace an image directory's content by `tmp`'s without the directory ever missing: each file is renamed over
 * its old version (a reader opens the old file or the new one, whole), the record last; files the new image
 * no longer has go after that.
 */
async function swapInto(tmp: string, final: string): Promise<void> {
  const incoming = (await fsp.readdir(tmp)).filter((f) => f !== RECORD);
  for (const f of incoming) await fsp.rename(join(tmp, f), join(final, f));
  await fsp.rename(join(tmp, RECORD), join(final, RECORD));
  for (const f of await fsp.readdir(final)) {
    if (f !== RECORD && f !== VERIFIED && !incoming.includes(f)) await fsp.rm(join(final, f), { recursive: true, force: true });
  }
}

/** The store's lock: held while images enter or leave, and while stale scratch directories are swept. */
export const storeLock = (l: Layout) => join(l.images, '.lock');

/**
 * Remove scratch entries (".NAME.tmp-PID-…", what tempSibling makes) whose process is gone: a killed pull,
 * push or build leaves them, and nothing else ever would. Called under the store's lock.
 */
export async function sweepScratch(l: Layout): Promise<string[]> {
  const swept: string[] = [];
  for (const name of await fsp.readdir(l.images).catch(() => [] as string[])) {
    const pid = scratchOwner(name);
    if (pid === null || isAlive(pid)) continue;
    await fsp.rm(join(l.images, name), { recursive: true, force: true });
    swept.push(name);
  }
  return swept;
}

/** Remove an image; an unusable entry too, when named by its exact id (ids are checked: never a path outside). */
export async function removeImage(l: Layout, ref: string): Promise<Pick<ImageRecord, 'id' | 'name'>> {
  const broken = IMAGE_ID.test(ref) && scanImages(l).problems.some((p) => p.id === ref);
  const rec = broken ? { id: ref, name: '(unusable record)' } : findImage(l, ref);
  await withLock(storeLock(l), async () => {
    await sweepScratch(l);
    await fsp.rm(join(l.images, rec.id), { recursive: true, force: true });
  });
  return rec;
}

/** Everything an image boots with: the kernel plus its extra files (OSv's rofs disk), in bytes. */
export function totalBytes(image: Pick<ImageRecord, 'sizeBytes' | 'files'>): number {
  return Object.values(image.files).reduce((sum, f) => sum + statSync(f).size, image.sizeBytes);
}

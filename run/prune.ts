import { existsSync, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import type { Layout } from '../lib/home.js';
import { lockHeld } from '../lib/lock.js';
import { isAlive } from '../lib/pid.js';
import { appWorkDir } from '../lib/workdir.js';
import type { ImageRecord } from '../images/record.js';
import { scanImages } from '../images/store.js';
import { readRefs } from '../oci/refs.js';
import { patchedTreeDir } from '../targets/unikraft/patched-tree.js';
import { unikraftPatches } from '../targets/unikraft/patches.js';
import { instanceDir, listInstances } from './instances.js';

export type PruneKind = 'instance' | 'image' | 'build' | 'scratch';

/** One thing `unik prune` removes: what it is, where, and its size on disk. */
export interface PruneItem {
  kind: PruneKind;
  what: string;
  path: string;
  bytes: number;
}

/** Build directories that are not one app's (shared trees, caches, the toolchain): never pruned here. */
const SHARED_BUILDS = new Set(['unikraft-src', 'osv-src', 'osv-kernels', 'toolchain-mirage']);
/** An app's build directory is `<name>-<8 hex>` (lib/workdir.ts). */
const APP_BUILD = /^[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}$/i;
/** A temp sibling left by a write that died (lib/atomic.ts tempSibling): `.<name>.tmp-<pid>-…`. */
const SCRATCH = /^\..+\.tmp-(\d+)-/;

/** Bytes a file or directory takes, symlinks counted as themselves (build dirs link into the sources cache). */
async function sizeOf(path: string): Promise<number> {
  const st = await fsp.lstat(path).catch(() => null);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  for (const e of await fsp.readdir(path)) sum += await sizeOf(join(path, e));
  return sum;
}

/**
 * Pure: images a newer build of the same app (directory, target, platform) has replaced, which nothing
 * still points at (an instance kept, or a pulled/pushed reference).
 */
export function replacedImages(images: ImageRecord[], inUse: Set<string>): ImageRecord[] {
  const newest = new Map<string, ImageRecord>();
  for (const i of images) {
    const k = `${i.appDir}\0${i.target}\0${i.platform}`;
    const cur = newest.get(k);
    if (!cur || cur.createdAt < i.createdAt) newest.set(k, i);
  }
  return images.filter((i) => newest.get(`${i.appDir}\0${i.target}\0${i.platform}`) !== i && !inUse.has(i.id));
}

/** Everything `unik prune` would remove now, with sizes; nothing is touched. */
export async function prunePlan(l: Layout): Promise<PruneItem[]> {
  const plan: Omit<PruneItem, 'bytes'>[] = [];
  const instances = listInstances(l);
  for (const i of instances.filter((x) => x.state === 'exited')) plan.push({ kind: 'instance', what: `instance ${i.name} (exited)`, path: instanceDir(l, i.id) });

  const { images, problems } = scanImages(l);
  const kept = instances.filter((i) => i.state !== 'exited').map((i) => i.image.id);
  const inUse = new Set([...kept, ...Object.values(readRefs(l)).map((r) => r.id)]);
  const replaced = replacedImages(images, inUse);
  for (const i of replaced) plan.push({ kind: 'image', what: `image ${i.name} (${i.id}), replaced by a newer build`, path: join(l.images, i.id) });
  for (const p of problems) plan.push({ kind: 'image', what: `unusable image record ${p.id}`, path: join(l.images, p.id) });

  // An app's build directory is kept while an image that stays was built there, or a build holds its lock.
  const gone = new Set(replaced.map((i) => i.id));
  const used = new Set(images.filter((i) => !gone.has(i.id)).map((i) => appWorkDir(l, i.name, i.appDir, `${i.target}\0${i.platform}`)));
  for (const e of existsSync(l.builds) ? await fsp.readdir(l.builds) : []) {
    const path = join(l.builds, e);
    if (SHARED_BUILDS.has(e) || !APP_BUILD.test(e) || used.has(path) || (await lockHeld(`${path}.lock`))) continue;
    plan.push({ kind: 'build', what: `build directory ${e} (no stored image was built there)`, path });
  }

  // Copies of the Unikraft tree with an older set of unik's patches: no build reads them again.
  const current = basename(patchedTreeDir(l.builds, '', unikraftPatches())).slice(1);
  const trees = join(l.builds, 'unikraft-src');
  for (const e of existsSync(trees) ? await fsp.readdir(trees) : []) {
    if (/^[0-9a-f]{12}-[0-9a-f]{12}$/.test(e) && !e.endsWith(current)) plan.push({ kind: 'build', what: `Unikraft tree ${e} (an older set of unik's patches)`, path: join(trees, e) });
  }

  for (const dir of [l.images, l.builds, trees, l.instances, l.probes, l.home]) {
    for (const e of existsSync(dir) ? await fsp.readdir(dir) : []) {
      const pid = SCRATCH.exec(e)?.[1];
      if (pid && !isAlive(Number(pid))) plan.push({ kind: 'scratch', what: `scratch ${join(dir, e)} (its writer is gone)`, path: join(dir, e) });
    }
  }
  return Promise.all(plan.map(async (p) => ({ ...p, bytes: await sizeOf(p.path) })));
}

/** Remove what a plan lists (a build directory with its lock file); returns the bytes freed. */
export async function prune(items: PruneItem[]): Promise<number> {
  let freed = 0;
  for (const item of items) {
    await fsp.rm(item.path, { recursive: true, force: true });
    if (item.kind === 'build') await fsp.rm(`${item.path}.lock`, { force: true });
    freed += item.bytes;
  }
  return freed;
}

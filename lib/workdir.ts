import { sha256 } from './sha256.js';
import { existsSync, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Layout } from './home.js';

/** Write only when the content differs, so make sees unchanged mtimes and rebuilds nothing needlessly. */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const old = await fsp.readFile(path, 'utf8').catch(() => null);
  if (old === content) return false;
  await writeFileAtomic(path, content);
  return true;
}

/**
 * Make `dir` hold exactly the given symlinks (relative path → absolute target), removing stale ones.
 * Links keep the user's files where they are; make follows them for timestamps.
 */
export async function syncLinks(dir: string, links: Record<string, string>): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  for (const [rel, target] of Object.entries(links)) {
    const at = join(dir, rel);
    const cur = await fsp.readlink(at).catch(() => null);
    if (cur === target) continue;
    await fsp.rm(at, { force: true, recursive: true });
    await fsp.mkdir(dirname(at), { recursive: true });
    await fsp.symlink(target, at);
  }
  const wanted = new Set(Object.keys(links));
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const rel = join(entry.parentPath, entry.name).slice(dir.length + 1);
    if (!wanted.has(rel)) await fsp.rm(join(dir, rel), { force: true });
  }
}

/**
 * One app's persistent build directory for one variant (target/platform): kept between builds so the
 * framework's own build stays incremental. Keyed by the app's path, so two checkouts never share one.
 */
export function appWorkDir(l: Layout, name: string, appDir: string, variant: string): string {
  const key = sha256().update(`${appDir}\0${variant}`).digest('hex').slice(0, 8);
  return join(l.builds, `${name}-${key}`);
}

const INCOMPLETE = '.unik-incomplete';

/** Whether a run of `repairableWork` on `dir` died mid-way: its contents cannot be trusted. */
export const isIncomplete = (dir: string): boolean => existsSync(join(dir, INCOMPLETE));

export interface RepairOptions {
  /** Start from an empty directory (`--no-cache`). */
  clean?: boolean;
  /** Told when the directory was left half-done by an earlier run and is emptied. */
  onRepair?: () => void;
  /** After a failure: whether a tool was killed mid-way (a signal, a timeout), so the marker must stay. */
  killed?: () => boolean;
}

/**
 * Run `fn` on a persistent build directory that a killed run may have left half-written (a truncated object
 * file looks up to date to make; a half-done configure looks done). A marker is written first and removed
 * when `fn` succeeds or fails in an orderly way (a compile error leaves make's state sound, and the next
 * build stays incremental). It stays when unik dies mid-way or a tool was killed; a marker found at the
 * start means exactly that, so the directory is emptied and the build starts clean. Callers hold the
 * directory's lock.
 */
export async function repairableWork<T>(dir: string, fn: () => Promise<T>, opts: RepairOptions = {}): Promise<T> {
  const marker = join(dir, INCOMPLETE);
  const interrupted = isIncomplete(dir);
  if (interrupted || opts.clean) await fsp.rm(dir, { recursive: true, force: true });
  if (interrupted) opts.onRepair?.();
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(marker, `${process.pid}\n`);
  let done = false;
  try {
    const out = await fn();
    done = true;
    return out;
  } finally {
    if (done || !opts.killed?.()) await fsp.rm(marker, { force: true });
  }
}

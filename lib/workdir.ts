import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { Layout } from './home.js';

/** Write only when the content differs, so make sees unchanged mtimes and rebuilds nothing needlessly. */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old === content) return false;
  await writeFileAtomic(path, content);
  return true;
}

/**
 * Make `dir` hold exactly the given symlinks (relative path → absolute target), removing stale ones.
 * Links keep the user's files where they are; make follows them for timestamps.
 */
export async function syncLinks(dir: string, links: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [rel, target] of Object.entries(links)) {
    const at = join(dir, rel);
    const cur = await readlink(at).catch(() => null);
    if (cur === target) continue;
    await rm(at, { force: true, recursive: true });
    await mkdir(dirname(at), { recursive: true });
    await symlink(target, at);
  }
  const wanted = new Set(Object.keys(links));
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const rel = join(entry.parentPath, entry.name).slice(dir.length + 1);
    if (!wanted.has(rel)) await rm(join(dir, rel), { force: true });
  }
}

/**
 * One app's persistent build directory for one variant (target/platform): kept between builds so the
 * framework's own build stays incremental. Keyed by the app's path, so two checkouts never share one.
 */
export function appWorkDir(l: Layout, name: string, appDir: string, variant: string): string {
  const key = createHash('sha256').update(`${appDir}\0${variant}`).digest('hex').slice(0, 8);
  return join(l.builds, `${name}-${key}`);
}

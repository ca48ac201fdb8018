import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory of the user's own cache (`$XDG_CACHE_HOME/unik/<name>`), made private. What is read from it is
 * trusted as this user's own work (bytecode that runs, data taken as parsed), so a directory another user could
 * write is never used (null: go without the cache).
 */
export function privateCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'unik', name);
  try {
    const st = statSync(dir, { throwIfNoEntry: false }) ?? (mkdirSync(dir, { recursive: true, mode: 0o700 }), statSync(dir));
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Write one file of such a directory whole (a temp file renamed over it), then drop the oldest files beyond
 * `keep`. Never throws: a cache that cannot be written only costs the next start its head start.
 */
export function storePrivately(dir: string, file: string, data: () => string | Uint8Array, keep: number): void {
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data(), { mode: 0o600 });
    renameSync(tmp, file);
    const old = readdirSync(dir)
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(keep);
    for (const { f } of old) unlinkSync(join(dir, f));
  } catch {
    // See above: speed only.
  }
}

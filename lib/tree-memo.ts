import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';

/** Inside a .git directory only these say what is checked out and committed (the object store never does). */
const GIT_STATE = new Set(['HEAD', 'index', 'packed-refs', 'refs']);

/**
 * The newest change time (ctime: no tool can set it back) of anything under `dir`: every file and directory, and
 * git's HEAD, index and refs. An edit in place, an added, removed or renamed file, a commit or a checkout all move
 * it forward. It reads metadata only: one lstat per entry.
 */
export function newestChangeMs(dir: string): number {
  let newest = 0;
  const walk = (d: string, gitDir: boolean): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (gitDir && !GIT_STATE.has(e.name)) continue;
      const p = join(d, e.name);
      // A .git directory's own ctime moves with every lock file git makes: only what is in it counts.
      if (e.name !== '.git') newest = Math.max(newest, lstatSync(p).ctimeMs);
      if (e.isDirectory()) walk(p, e.name === '.git');
    }
  };
  walk(dir, false);
  return newest;
}

/** File timestamps come from a coarse kernel clock that can lag the wall clock by a tick: stay well clear of it. */
const CLOCK_MARGIN_MS = 1000;

interface Memo<T> {
  since: number;
  value: T;
}

/**
 * `compute()`'s answer for `key`, remembered in the JSON file `memoPath` and reused as long as nothing under `dirs`
 * changed since the computation began; otherwise computed again. For answers that cost a process per directory
 * (git status of dozens of checkouts) but depend on nothing else.
 */
export async function memoWhileUnchanged<T>(memoPath: string, key: string, dirs: string[], compute: () => Promise<T>, marginMs = CLOCK_MARGIN_MS): Promise<T> {
  const memos: Record<string, Memo<T>> = existsSync(memoPath) ? JSON.parse(readFileSync(memoPath, 'utf8')) : {};
  const hit = memos[key];
  if (hit && Math.max(...dirs.map(newestChangeMs)) < hit.since - marginMs) return hit.value;
  const since = Date.now();
  const value = await compute();
  const latest: Record<string, Memo<T>> = existsSync(memoPath) ? JSON.parse(readFileSync(memoPath, 'utf8')) : {};
  await writeJsonAtomic(memoPath, { ...latest, [key]: { since, value } });
  return value;
}

import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSibling } from './atomic.js';
import { identify, isAlive, stillRunning, type ProcessIdentity } from './pid.js';

/** The live holder's pid, or null when the lock is stale. A bare pid is a lock left by an older unik. */
function liveHolder(text: string): number | null {
  let holder: ProcessIdentity | number | null = null;
  try {
    holder = JSON.parse(text) as ProcessIdentity | number;
  } catch {
    return null;
  }
  if (typeof holder === 'number') return isAlive(holder) ? holder : null;
  return stillRunning(holder) ? holder.pid : null;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Create `path` holding `content`, atomically: nobody ever sees it empty. False when it exists. */
async function createWith(path: string, content: string): Promise<boolean> {
  const tmp = tempSibling(path);
  await writeFile(tmp, content);
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Remove a lock whose holder is gone, unless another waiter replaced it with a live one meanwhile: the file
 * is moved aside first, and put back when what was moved is not what was judged stale.
 */
async function removeStale(path: string, judged: string): Promise<void> {
  const aside = tempSibling(path);
  try {
    await rename(path, aside);
  } catch (e) {
    if (code(e) === 'ENOENT') return;
    throw e;
  }
  if ((await readFile(aside, 'utf8')) === judged) await rm(aside, { force: true });
  else await rename(aside, path);
}

/**
 * Run `fn` holding an exclusive lock file (it holds our process identity). A lock left by a process that is
 * gone (killed, or its pid now someone else's) is taken over; a live holder is waited for, with `onWait`
 * told once.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: (holder: number) => void): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const me = JSON.stringify(identify(process.pid) ?? { pid: process.pid });
  let told = false;
  while (!(await createWith(path, me))) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const holder = liveHolder(text);
    if (holder === null) {
      await removeStale(path, text);
      continue;
    }
    if (!told) onWait?.(holder);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

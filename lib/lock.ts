import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { tempSibling } from './atomic.js';
import { isAlive, startedAtMs } from './pid.js';

/** Start times are known to about a second (lib/pid.ts). */
const START_SLACK_MS = 2000;

/**
 * The pid holding the lock, or null when the lock is stale: its process is gone, or the pid now belongs to a
 * process that started after the lock was written (the holder died and the pid was reused). The file holds
 * the bare pid, as every unik version wrote it, so older and newer ones respect each other's locks.
 */
async function liveHolder(path: string, text: string): Promise<number | null> {
  const pid = /^\d+$/.test(text.trim()) ? Number(text) : null;
  if (!pid || !isAlive(pid)) return null;
  const written = (await fsp.stat(path).catch(() => null))?.mtimeMs;
  const started = startedAtMs(pid);
  return written !== undefined && started !== null && started > written + START_SLACK_MS ? null : pid;
}

/** Whether a live process holds the lock at `path` now (a build in progress, say). */
export async function lockHeld(path: string): Promise<boolean> {
  const text = await fsp.readFile(path, 'utf8').catch(() => null);
  return text !== null && (await liveHolder(path, text)) !== null;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Create `path` holding `content`, atomically: nobody ever sees it empty. False when it exists. */
async function createWith(path: string, content: string): Promise<boolean> {
  const tmp = tempSibling(path);
  await fsp.writeFile(tmp, content);
  try {
    await fsp.link(tmp, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/**
 * Remove a lock whose holder is gone, unless another waiter replaced it with a live one meanwhile: the file
 * is moved aside first, and put back when what was moved is not what was judged stale.
 */
async function removeStale(path: string, judged: string): Promise<void> {
  const aside = tempSibling(path);
  try {
    await fsp.rename(path, aside);
  } catch (e) {
    if (code(e) === 'ENOENT') return;
    throw e;
  }
  if ((await fsp.readFile(aside, 'utf8')) === judged) await fsp.rm(aside, { force: true });
  else await fsp.rename(aside, path);
}

/**
 * Run `fn` holding an exclusive lock file (it holds our pid). A lock left by a process that is gone (killed,
 * or its pid now someone else's) is taken over; a live holder is waited for, with `onWait` told once.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: (holder: number) => void): Promise<T> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const me = String(process.pid);
  let told = false;
  while (!(await createWith(path, me))) {
    const text = await fsp.readFile(path, 'utf8').catch(() => '');
    const holder = await liveHolder(path, text);
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
    await fsp.rm(path, { force: true });
  }
}

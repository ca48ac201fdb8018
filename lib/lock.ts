import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAlive } from './pid.js';


/**
 * Run `fn` holding an exclusive lock file (it holds our pid). A lock left by a dead process is taken over;
 * a live holder is waited for, with `onWait` told once.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: (holder: number) => void): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  let told = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (!holder || !isAlive(holder)) {
        await rm(path, { force: true });
        continue;
      }
      if (!told) onWait?.(holder);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

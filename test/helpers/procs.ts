import { execa } from 'execa';

/** PIDs of processes whose command line contains `needle` (e.g. a test's unique kernel path). */
export async function pidsMatching(needle: string): Promise<number[]> {
  const r = await execa('pgrep', ['-f', needle], { reject: false });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((p) => p !== process.pid);
}

export { isAlive } from '../../lib/pid.js';

export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

import { join } from 'node:path';
import type { Layout } from '../lib/home.js';
import { packageRoot } from '../lib/package-root.js';
import { compiledOnce } from './compiled.js';

/** unik's small host programs, machine/host/<name>.c: the VMM's reaper and the TSC meter. */
export type HostHelper = 'reap' | 'tsc-khz';

/**
 * Pure: the gcc flag sets to try for a helper, best first. The reaper starts before every VMM and tender: linked
 * statically it skips the dynamic loader (0.5–1 ms a boot here); hosts without a static libc get it dynamic.
 */
export const helperFlags = (name: HostHelper): string[][] => (name === 'reap' ? [['-O2', '-static'], ['-O2']] : [['-O2']]);

const built = new Map<string, Promise<string | null>>();

/**
 * One of unik's host programs, compiled with the host gcc once per source version; null where it cannot be
 * (no gcc): callers then do without what it measures, never without running the guest.
 */
export function hostHelper(l: Layout, name: HostHelper): Promise<string | null> {
  const key = `${l.probes}\0${name}`;
  let p = built.get(key);
  if (!p) {
    const source = `machine/host/${name}.c`;
    const src = join(packageRoot(), source);
    const tries = helperFlags(name);
    p = compiledOnce(
      l,
      name,
      [source],
      async (out) => {
        // execa loads only when something is compiled: `unik run` finds the program already built.
        const { execa } = await import('execa');
        for (const [i, flags] of tries.entries()) {
          const r = await execa('gcc', [...flags, '-o', out, src], { stdin: 'ignore', reject: i === tries.length - 1 });
          if (r.exitCode === 0) return;
        }
      },
      tries[0],
    ).catch(() => null);
    built.set(key, p);
  }
  return p;
}

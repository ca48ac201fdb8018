import { existsSync } from 'node:fs';
import { layout, unikHome } from '../../lib/home.js';
import { readLock } from '../../sources/cache.js';
import type { SourceName } from '../../sources/known-sources.js';

/**
 * Where the product keeps a source (the user's UNIK_HOME or the default), or null after printing ONE loud
 * line saying what is missing, so a skipped integration suite is never silent.
 */
export function productSource(name: SourceName, suite: string): string | null {
  const l = layout(unikHome());
  const entry = readLock(l).sources[name];
  if (entry && existsSync(entry.path)) return entry.path;
  console.warn(`\n*** SKIPPING ${suite}: ${name} sources are missing from ${l.sources} — run "unik sources add ${name} <git-url-or-checkout>" ***\n`);
  return null;
}

/**
 * A fresh UNIK_HOME that sees the product's MirageOS toolchain and duniverse seed ($UNIK_HOME/toolchains, linked,
 * never copied), or null after ONE loud line naming what is missing. Build dirs and images stay in the temp home.
 */
export async function mirageHome(suite: string, platforms: ('spt' | 'virtio' | 'unix')[], tmpHome: () => string, need: { net?: boolean; block?: boolean; kv?: boolean } = {}): Promise<string | null> {
  const { findMirageToolchain, missingPieces, seededDuniverse } = await import('../../toolchains/mirage/find.js');
  const { solo5Duniverse, UNIX_CONSOLE } = await import('../../toolchains/mirage/duniverse.js');
  const { mkdirSync, symlinkSync } = await import('node:fs');
  const { join } = await import('node:path');
  const l = layout(unikHome());
  const tc = findMirageToolchain(l);
  const missing = [
    ...new Set(platforms.flatMap((p) => missingPieces(tc, p, l.toolchains).map((m) => m.what))),
    ...seededDuniverse(l, platforms.includes('unix') ? UNIX_CONSOLE : solo5Duniverse({ net: !!need.net, block: !!need.block, kv: !!need.kv })).missing.map((d) => `duniverse/${d}`),
  ];
  if (missing.length) {
    console.warn(`\n*** SKIPPING ${suite}: MirageOS toolchain pieces missing under ${l.toolchains} and PATH: ${missing.join(', ')} (run "unik toolchain install mirage"; see README, MirageOS) ***\n`);
    return null;
  }
  const home = tmpHome();
  mkdirSync(home, { recursive: true });
  if (existsSync(l.toolchains)) symlinkSync(l.toolchains, join(home, 'toolchains'));
  return home;
}

/**
 * A fresh UNIK_HOME whose sources are the product's and whose shared build caches (`builds/<dir>` for each of
 * `shared`) are the product's, linked like the MirageOS toolchain above: a kernel is built once (minutes) and
 * every later run, of the suite or of the product, reuses it. App build dirs and images stay in the temp home.
 */
export async function sharedBuildsHome(home: string, sources: SourceName[], shared: string[]): Promise<string> {
  const { mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const l = layout(unikHome());
  const lock = readLock(l);
  mkdirSync(join(home, 'sources'), { recursive: true });
  writeFileSync(join(home, 'sources', 'sources.json'), JSON.stringify({ sources: Object.fromEntries(sources.map((n) => [n, lock.sources[n]])), archives: {} }));
  mkdirSync(join(home, 'builds'), { recursive: true });
  for (const dir of shared) {
    mkdirSync(join(l.builds, dir), { recursive: true });
    symlinkSync(join(l.builds, dir), join(home, 'builds', dir));
  }
  return home;
}

/**
 * OSv where the product builds it: the product's OSv checkout (its out directories keep OSv's make incremental,
 * under the checkout's own build lock), its kernel cache and unik's patched copies of the checkout (which hold
 * the out directories of patched kernels).
 */
export const osvHome = (home: string): Promise<string> => sharedBuildsHome(home, ['osv'], ['osv-kernels', 'osv-src']);

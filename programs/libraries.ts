import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ElfError, readElf, type ElfInfo } from '../lib/elf.js';
import { ldCacheMap, parseLdCache } from '../lib/ld-cache.js';

/** One shared library a program needs, found the way glibc's loader finds it. */
export interface FoundLibrary {
  /** The DT_NEEDED name (the soname the loader looks for). */
  soname: string;
  /** Where it was found (a cache or search-path entry; may be a symlink). */
  path: string;
  /** Its real path: the file whose bytes go into the image. */
  real: string;
  /** The object whose DT_NEEDED named it first. */
  neededBy: string;
  elf: ElfInfo;
}

/** Where glibc looks for libraries: its cache and its built-in directories (Debian's multiarch ones first). */
export interface LoaderConfig {
  cache: Map<string, string>;
  defaultDirs: string[];
}

/** glibc's trusted directories on Debian x86-64, searched after RUNPATH and the cache. */
export const DEFAULT_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'];

/** The host's loader configuration: /etc/ld.so.cache (none is fine: only the default paths are searched then). */
export function hostLoaderConfig(cacheFile = '/etc/ld.so.cache'): LoaderConfig {
  let cache = new Map<string, string>();
  try {
    cache = ldCacheMap(parseLdCache(readFileSync(cacheFile)));
  } catch {
    // An absent or unreadable cache: the loader falls back to its default paths, and so does unik.
  }
  return { cache, defaultDirs: DEFAULT_DIRS };
}

/** Pure: a RUNPATH/RPATH entry with $ORIGIN, $LIB and $PLATFORM replaced as glibc does on x86-64. */
export function expandDst(entry: string, origin: string): string {
  return entry
    .replace(/\$(\{ORIGIN\}|ORIGIN)/g, origin)
    .replace(/\$(\{LIB\}|LIB)/g, 'lib/x86_64-linux-gnu')
    .replace(/\$(\{PLATFORM\}|PLATFORM)/g, 'x86_64');
}

/** An object in the load graph: its path as loaded, its ELF facts and who loaded it (for RPATH inheritance). */
interface Loaded {
  path: string;
  elf: ElfInfo;
  parent: Loaded | null;
}

/** A library could not be found: the soname and the object that needs it. */
export class MissingLibrary extends Error {
  constructor(
    readonly soname: string,
    readonly neededBy: string,
  ) {
    super(`${soname} (needed by ${neededBy}) was not found in RUNPATH/RPATH, /etc/ld.so.cache or ${DEFAULT_DIRS.join(', ')}`);
  }
}

const readObject = (path: string): ElfInfo | null => {
  try {
    return readElf(readFileSync(path));
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
};

/** The candidate paths for one DT_NEEDED name of `from`, in glibc's order (LD_LIBRARY_PATH aside: unik ignores the host's environment). */
function candidates(soname: string, from: Loaded, config: LoaderConfig): string[] {
  if (soname.includes('/')) return [isAbsolute(soname) ? soname : join(dirname(from.path), soname)];
  const origin = (o: Loaded) => dirname(o.path);
  const out: string[] = [];
  // DT_RPATH of the object and of every object that loaded it, unless the object has a DT_RUNPATH.
  if (!from.elf.runpath.length) {
    for (let o: Loaded | null = from; o; o = o.parent) out.push(...o.elf.rpath.map((e) => join(expandDst(e, origin(o!)), soname)));
  }
  out.push(...from.elf.runpath.map((e) => join(expandDst(e, origin(from)), soname)));
  const cached = config.cache.get(soname);
  if (cached) out.push(cached);
  out.push(...config.defaultDirs.map((d) => join(d, soname)));
  return out;
}

/**
 * Every shared library `program` needs, transitively, breadth first as the loader maps them; each soname once.
 * `provided` are sonames the target's kernel supplies itself: neither collected nor followed. Extra roots
 * (shared objects among the app's files, loaded with dlopen at run time) are resolved the same way.
 */
export function resolveLibraries(roots: string[], provided: ReadonlySet<string>, config: LoaderConfig = hostLoaderConfig()): FoundLibrary[] {
  const found = new Map<string, FoundLibrary>();
  const queue: Loaded[] = [];
  for (const path of roots) {
    const elf = readObject(path);
    if (elf) queue.push({ path, elf, parent: null });
  }
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const soname of from.elf.needed) {
      if (provided.has(soname) || found.has(soname)) continue;
      let hit: { path: string; elf: ElfInfo } | null = null;
      for (const c of candidates(soname, from, config)) {
        if (!existsSync(c)) continue;
        const elf = readObject(c);
        // The loader skips files of another class or machine and keeps looking; so does unik.
        if (elf && elf.type === 3) {
          hit = { path: c, elf };
          break;
        }
      }
      if (!hit) throw new MissingLibrary(soname, from.path);
      found.set(soname, { soname, path: hit.path, real: realpathSync(hit.path), neededBy: from.path, elf: hit.elf });
      queue.push({ path: hit.path, elf: hit.elf, parent: from });
    }
  }
  return [...found.values()];
}

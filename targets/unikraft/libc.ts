import type { Manifest } from '../../manifest/manifest.js';
import type { SourceName } from '../../sources/cache.js';
import type { DriverSet } from '../target.js';

/** The file names Unikraft's build compiles as C++ (its Makefile.uk rules for .cc, .cpp and .cxx). */
export const CXX_SOURCE = /\.(cc|cpp|cxx)$/;

/**
 * The libraries a C++ app links, in the order make reads them (L=), the catalog's order: libc++'s headers must
 * come before musl's, whose <stddef.h> its <cstddef> reaches with #include_next.
 */
const CXX: SourceName[] = ['lib-libcxxabi', 'lib-libcxx', 'lib-libunwind', 'lib-compiler-rt'];

/**
 * Pure: the C library an app builds on, and C++ when it has C++ sources. nolibc (Unikraft's own) is the default;
 * musl when the manifest says `libc: musl` or the app is C++ (libc++ needs a full libc). musl reads the system
 * information and signal APIs, which it selects only as these options.
 */
export function unikraftLibc(manifest: Pick<Manifest, 'sources' | 'libc'>): DriverSet {
  const cxx = manifest.sources.some((s) => CXX_SOURCE.test(s));
  if (!cxx && manifest.libc !== 'musl') return { settings: {}, requires: [] };
  const musl = { LIBMUSL: 'y', LIBPOSIX_SYSINFO: 'y', LIBUKSIGNAL: 'y' };
  if (!cxx) return { settings: musl, requires: ['lib-musl'] };
  return { settings: { ...musl, LIBCOMPILER_RT: 'y', LIBUNWIND: 'y', LIBCXXABI: 'y', LIBCXX: 'y' }, requires: [...CXX, 'lib-musl'] };
}

/** Devices' drivers plus the C library's (and C++'s) options and sources. */
export const withLibc = (drivers: DriverSet, manifest: Pick<Manifest, 'sources' | 'libc'>): DriverSet => {
  const libc = unikraftLibc(manifest);
  return { settings: { ...drivers.settings, ...libc.settings }, requires: [...drivers.requires, ...libc.requires] };
};

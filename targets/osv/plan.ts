import type { OsvFs } from './drivers.js';

/** What decides how many steps an OSv build runs, as known before the first one starts. */
export interface OsvStepFacts {
  /** How many patches a fresh copy of the OSv tree gets; null when no copy is made (there already, or none needed). */
  copyPatches: number | null;
  /** The kernel build; null when the kernel cache has this configuration. */
  kernel: {
    /** The out directory has no configuration yet: `make config` runs. */
    configures: boolean;
    /** unik's Kconfig choices differ from OSv's defaults: a second `make config` applies them. */
    kconfig: boolean;
    /** An out directory of another configuration seeds this one (cp -a, then make generated-headers). */
    seeded: boolean;
    /** unik's own objects compiled for the kernel. */
    objects: number;
  } | null;
  /** The app is compiled from C (not a prebuilt binary or a program). */
  compile: boolean;
  fs: OsvFs;
}

/**
 * Pure: the steps an OSv build runs, in order: the tree copy (tar, untar, a patch each), the kernel (configure,
 * Kconfig, seed + headers, unik objects, make), the app's compile, then the rofs pack or, for ramfs, the
 * kernel relink. Mirrors buildOsv, osvTree and ensureKernel.
 */
export function osvStepCount(f: OsvStepFacts): number {
  const copy = f.copyPatches === null ? 0 : 2 + f.copyPatches;
  const k = f.kernel;
  const kernel = k ? (k.configures ? 1 + (k.kconfig ? 1 : 0) + (k.seeded ? 2 : 0) : 0) + k.objects + 1 : 0;
  return copy + kernel + (f.compile ? 1 : 0) + 1;
}

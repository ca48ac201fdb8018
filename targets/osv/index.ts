import { PLATFORMS } from '../../manifest/manifest.js';
import { join } from 'node:path';
import { layout } from '../../lib/home.js';
import type { Target } from '../target.js';
import { guestPath, osvBoot } from './boot.js';
import { osvSuppliedModules } from './provided.js';
import { osvDrivers, osvFs } from './drivers.js';
import { osvPatches } from './patches.js';
import { renderOsv } from './render.js';

export const osv: Target = {
  name: 'osv',
  platforms: PLATFORMS.osv,
  defaultPlatform: () => 'qemu/x86_64',
  baseSources: ['osv'],
  // OSv's memory setup wants room; 256 MiB boots every example here without measurable cost under TCG.
  defaultMemoryMiB: () => 256,
  drivers: (devices, _platform, manifest) => osvDrivers(devices, osvFs(manifest.fs)),
  render: renderOsv,
  // Kernels are cached per configuration under builds/osv-kernels (see kernel-cache.ts), built in a patched
  // copy of the checkout under builds/osv-src (patched-tree.ts).
  build: async (ctx) => (await import('./build.js')).buildOsv(ctx, join(layout().builds, 'osv-kernels'), layout().builds),
  patches: () => osvPatches(),
  // As OSv's manifest_from_host.sh: the program at its own path, libraries in /usr/lib (on OSv's search path),
  // none of those core/elf.cc says the kernel supplies.
  contentLayout: (manifest, sources) => ({
    programGuest: guestPath(manifest.name),
    libraryDir: '/usr/lib',
    provided: new Set(osvSuppliedModules(sources.osv!.path)),
  }),
  boot: osvBoot,
  checks: async (l) => (await import('./checks.js')).osvChecks(l),
};

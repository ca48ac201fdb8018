import { join } from 'node:path';
import { usageError } from '../../lib/errors.js';
import { layout } from '../../lib/home.js';
import type { Target } from '../target.js';
import { osvBoot } from './boot.js';
import { osvDrivers } from './drivers.js';
import { renderOsv } from './render.js';

export const osv: Target = {
  name: 'osv',
  platforms: ['qemu/x86_64'],
  baseSources: ['osv'],
  // OSv's memory setup wants room; 256 MiB boots every example here without measurable cost under TCG.
  defaultMemoryMiB: () => 256,
  drivers: (devices, _platform, manifest) => {
    // ramfs puts the app inside the kernel (a relink per app); only rofs keeps the kernel app-independent.
    if (manifest.fs === 'ramfs') throw usageError('fs: expected rofs for target osv (ramfs is not built by this version of unik), found "ramfs"');
    return osvDrivers(devices, 'rofs');
  },
  render: renderOsv,
  // Kernels are cached per configuration under builds/osv-kernels (see kernel-cache.ts).
  build: async (ctx) => (await import('./build.js')).buildOsv(ctx, join(layout().builds, 'osv-kernels')),
  boot: osvBoot,
};

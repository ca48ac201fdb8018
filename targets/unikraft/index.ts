import { PLATFORMS } from '../../manifest/manifest.js';
import { layout } from '../../lib/home.js';
import type { Target } from '../target.js';
import { unikraftBoot } from './boot.js';
import { unikraftDrivers } from './drivers.js';
import { withLibc } from './libc.js';
import { unikraftPatches } from './patches.js';
import { elfloaderDrivers, elfloaderLayout, elfloaderPatches, isElfloaderApp, renderElfloader } from './elfloader.js';
import { renderUnikraft } from './render.js';

export const unikraft: Target = {
  name: 'unikraft',
  platforms: PLATFORMS.unikraft,
  defaultPlatform: () => 'qemu/x86_64',
  baseSources: ['unikraft'],
  // lwIP's heap and the TCP buffers need room; a console app boots in 8 MiB.
  defaultMemoryMiB: (devices) => (devices.net ? 64 : 16),
  drivers: (devices, _platform, manifest) =>
    isElfloaderApp(manifest)
      ? elfloaderDrivers(devices, manifest)
      : withLibc(unikraftDrivers(devices, { files: manifest.files.length > 0, env: Object.keys(manifest.env).length > 0 }), manifest),
  render: (manifest, drivers) => (isElfloaderApp(manifest) ? renderElfloader(drivers) : renderUnikraft(manifest, drivers)),
  // The build module (execa, make plumbing) loads only when something is built: `unik run` stays light.
  build: async (ctx) =>
    isElfloaderApp(ctx.manifest) ? (await import('./elfloader-build.js')).buildElfloader(ctx, layout()) : (await import('./build.js')).buildUnikraft(ctx, layout()),
  patches: (manifest) => (isElfloaderApp(manifest) ? elfloaderPatches() : unikraftPatches()),
  // `files`, and a `program` with its loader and libraries (elfloader.ts), go into a cpio initrd at their guest paths.
  contentLayout: (manifest) => elfloaderLayout(manifest),
  boot: unikraftBoot,
  checks: async (l) => (await import('./checks.js')).unikraftChecks(l),
};

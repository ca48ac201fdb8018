import { PLATFORMS } from '../../manifest/manifest.js';
import { layout } from '../../lib/home.js';
import type { Target } from '../target.js';
import { mirageBoot } from './boot.js';
import { buildMirage } from './build.js';
import { mirageDefaultPlatform, mirageDrivers } from './drivers.js';
import { renderMirage } from './render.js';
import { STORE_LAYOUT } from './store.js';
import { findMirageToolchain, mirageFingerprint } from '../../toolchains/mirage/find.js';

export const mirage: Target = {
  name: 'mirage',
  platforms: PLATFORMS.mirage,
  // The toolchain lives in $UNIK_HOME/toolchains (or opam), its libraries in the duniverse seed: no cache sources.
  baseSources: [],
  // The network stack's buffers want room; a console app runs in far less, but Solo5 asks for a few MiB of heap.
  defaultMemoryMiB: (devices) => (devices.net ? 64 : 32),
  drivers: mirageDrivers,
  render: renderMirage,
  build: (ctx) => buildMirage(ctx, layout()),
  boot: mirageBoot,
  checks: async (l) => (await import('./checks.js')).mirageChecks(l),
  twin: async (manifest, opts) => (await import('./twin.js')).buildMirageUnixTwin(manifest, opts),
  defaultPlatform: mirageDefaultPlatform,
  contentLayout: () => STORE_LAYOUT,
  // unik's own install: its record (one file), which names every pin, fixup and the seed; else the tools' versions.
  fingerprint: async (_devices, platform) => mirageFingerprint(layout(), findMirageToolchain(layout()), platform),
};

import { PLATFORMS } from '../../manifest/manifest.js';
import { layout } from '../../lib/home.js';
import type { Target } from '../target.js';
import { mirageBoot } from './boot.js';
import { buildMirage, duniverseFor } from './build.js';
import { mirageDefaultPlatform, mirageDrivers } from './drivers.js';
import { renderMirage } from './render.js';
import { findMirageToolchain, seededDuniverse, seedRevisions, toolchainVersions } from '../../toolchains/mirage/find.js';

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
  async fingerprint(devices, platform, manifest) {
    const l = layout();
    const seed = seededDuniverse(l, duniverseFor(devices, manifest.packages));
    const [versions, revisions] = await Promise.all([toolchainVersions(findMirageToolchain(l), platform), seedRevisions(l, seed.present)]);
    return { ...versions, ...Object.fromEntries(Object.entries(revisions).map(([d, r]) => [`duniverse/${d}`, r])) };
  },
};

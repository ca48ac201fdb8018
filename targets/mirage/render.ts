import { relative } from 'node:path';
import { renderTemplate } from '../../lib/templates.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import { packageDirs, SEED_PACKAGES } from '../../toolchains/mirage/duniverse.js';
import type { DriverSet, GeneratedFile } from '../target.js';
import { STORE_DEVICE } from './store.js';

/** The app's OCaml files as they appear in the build directory, next to the generated config.ml. */
export function mirageSources(manifest: Manifest): string[] {
  const fail = (field: string, expected: string, found: string) => manifestError(manifest.manifestPath, field, expected, found);
  const rels = manifest.sources.map((abs, i) => {
    const rel = relative(manifest.appDir, abs);
    // A local library's files come from manifest/libraries.ts (checked there); its dune file builds them.
    if (manifest.libraries.includes(rel.split('/')[0]!) && rel.split('/').length === 2) return rel;
    // Flat .ml/.mli only: mirage's generated dune compiles the modules of the build directory itself.
    if (!/^[a-z][A-Za-z0-9_]*\.mli?$/.test(rel)) {
      throw fail(`sources[${i}]`, 'an OCaml module file (.ml/.mli) at the top of the app directory for target mirage', JSON.stringify(rel));
    }
    if (rel === 'config.ml') throw fail(`sources[${i}]`, "the app's modules only (unik generates config.ml from unik.yaml)", '"config.ml"');
    return rel;
  });
  if (!rels.includes('unikernel.ml')) {
    throw fail('sources', 'unikernel.ml (the Unikernel module with its start function)', JSON.stringify(rels));
  }
  return rels;
}

/** Packages whose users draw from the default RNG (mirage-crypto-rng's generator): with one, the app keeps it. */
const RNG_PACKAGES: ReadonlySet<string> = new Set(['mirage-crypto', 'mirage-crypto-rng', 'randomconv']);

/**
 * Pure: whether the app gets mirage's default RNG (`register ~random`). mirage 4.10 seeds mirage-crypto-rng's
 * Fortuna in every unikernel unless told `no_random`; that links digestif and mirage-crypto and runs their
 * initialisers and the seeding at every start: a quarter of a console-only app's boot code under TCG. The TCP/IP
 * stack draws from it (sequence numbers, ports), and so do apps that list a package using it.
 */
export function mirageNeedsRng(devices: readonly { type: string }[], packages: readonly string[]): boolean {
  return devices.some((d) => d.type === 'stackv4v6') || packages.some((p) => RNG_PACKAGES.has(p));
}

/** Pure: config.ml for the declared devices (settings: binding → "type:impl", in start-argument order). */
export function renderMirage(manifest: Manifest, drivers: DriverSet): GeneratedFile[] {
  mirageSources(manifest);
  const devices = [
    ...Object.entries(drivers.settings).map(([binding, v]) => {
      const at = v.indexOf(':');
      return { binding, type: v.slice(0, at), impl: v.slice(at + 1) };
    }),
    // `files:` is the store the functor takes last (targets/mirage/store.ts).
    ...(manifest.files.length ? [STORE_DEVICE] : []),
  ];
  // A console-only app is a plain module with `start ()`; with devices it is a functor `Main` over them.
  const module = devices.length ? 'Unikernel.Main' : 'Unikernel';
  const { unknown } = packageDirs(manifest.packages);
  if (unknown.length) {
    const i = manifest.packages.indexOf(unknown[0]!);
    throw manifestError(manifest.manifestPath, `packages[${i}]`, `an OCaml package unik's duniverse seed provides (${[...SEED_PACKAGES.keys()].sort().join(', ')})`, `${unknown.map((u) => JSON.stringify(u)).join(', ')}, which it does not`);
  }
  // Library names match ^[a-z][a-z0-9_]{0,63}$ (schema): safe in an OCaml string literal.
  const data = { manifestFile: 'unik.yaml', name: manifest.name, module, devices, packages: manifest.packages, libraries: manifest.libraries, rng: mirageNeedsRng(devices, manifest.packages) };
  return [{ path: 'config.ml', content: renderTemplate('mirage', 'config.ml', data) }];
}

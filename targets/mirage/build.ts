import { existsSync, promises as fsp } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import type { Layout } from '../../lib/home.js';
import { writeIfChanged } from '../../lib/workdir.js';
import type { Manifest, Platform } from '../../manifest/manifest.js';
import type { BuildContext, BuiltKernel, GeneratedFile } from '../target.js';
import type { StepRunner } from '../../lib/steps.js';
import type { Devices } from '../../manifest/devices.js';
import { packageDirs, solo5Duniverse, type DuniverseDir } from '../../toolchains/mirage/duniverse.js';
import { solo5Manifest } from './drivers.js';
import { mirageSources, renderMirage } from './render.js';
import { mirageFingerprint, requireMirageToolchain, seedDir, seededDuniverse, seedIdentity, solo5HasFixup, type MirageToolchain } from '../../toolchains/mirage/find.js';
import { SOLO5_LOG_SETTING } from './boot.js';
import { QUIET_EXIT_FIXUP } from '../../toolchains/mirage/install/fixups.js';
import { stageStore, STORE_DIR, storeEntries, storeModule } from './store.js';

/** mirage configure writes its Makefile, dune files and dist/ into its cwd: that is this dir, never the app's own. */
export const mirageAppDir = (workDir: string) => join(workDir, 'app');

const SEED_STAMP = '.unik-seed.json';
const TOOLCHAIN_STAMP = '.unik-toolchain.json';

/** Pure: the duniverse a Solo5 build of these devices, extra packages and (with `files:`) the store needs. */
export const duniverseFor = (devices: Devices, packages: readonly string[], store = false): DuniverseDir[] =>
  [...new Set([...solo5Duniverse({ net: !!devices.net, block: devices.block.length > 0, kv: store }), ...packageDirs(packages).dirs])].sort();

/**
 * Pure: strip arguments. A full strip breaks QEMU's -kernel loading of virtio images ("fread() failed"),
 * so those lose only debug info; the tenders load fully stripped images (the Solo5 manifest note survives).
 */
export const stripArgs = (platform: Platform | 'unix'): string[] => (platform === 'virtio' ? ['--strip-debug'] : ['--strip-all']);

/** Directories of the build dir that are mirage's, dune's or unik's, never a local library. */
const BUILD_DIRS = new Set(['_build', 'dist', 'duniverse', 'mirage', STORE_DIR]);

/**
 * Copy the generated config.ml, the app's modules and its local libraries into the build dir (unchanged files
 * keep their mtime).
 */
export async function stageApp(app: string, manifest: Manifest, generated: GeneratedFile[]): Promise<void> {
  const modules = mirageSources(manifest);
  for (const f of generated) await writeIfChanged(join(app, f.path), f.content);
  for (const rel of modules) {
    await fsp.mkdir(dirname(join(app, rel)), { recursive: true });
    await writeIfChanged(join(app, rel), await fsp.readFile(join(manifest.appDir, rel), 'utf8'));
  }
  // A module or library dropped from the manifest must not stay in the build (dune would still build it).
  for (const entry of await fsp.readdir(app, { withFileTypes: true })) {
    const name = entry.name;
    if (entry.isDirectory() && !BUILD_DIRS.has(name) && !manifest.libraries.includes(name)) await fsp.rm(join(app, name), { recursive: true });
    else if (entry.isDirectory() && manifest.libraries.includes(name)) {
      for (const f of await fsp.readdir(join(app, name))) if (!modules.includes(`${name}/${f}`)) await fsp.rm(join(app, name, f), { recursive: true });
    } else if (/\.mli?$/.test(name) && name !== 'config.ml' && !modules.includes(name)) await fsp.rm(join(app, name));
  }
}

/** What giving the app its duniverse/ takes: nothing (it is there), a copy of the seed, `make depend`, or nothing can. */
async function duniverseWork(l: Layout, tc: MirageToolchain, app: string, dirs: DuniverseDir[]) {
  const target = join(app, 'duniverse');
  const seed = seededDuniverse(l, dirs);
  const stamp = JSON.stringify({ seed: seedIdentity(l), dirs });
  const work: 'none' | 'copy' | 'depend' | 'missing' = !seed.missing.length
    ? (await fsp.readFile(join(target, SEED_STAMP), 'utf8').catch(() => null)) === stamp
      ? 'none'
      : 'copy'
    : existsSync(target) && dirs.every((d) => existsSync(join(target, d)))
      ? 'none'
      : tc.opamMonorepo
        ? 'depend'
        : 'missing';
  return { work, seed, stamp };
}

/**
 * Give the configured app its duniverse/: a hard-linked copy of the seed `unik toolchain install mirage` made
 * (symlinks break lwt's dune rules), recopied when the seed or the set of libraries changes; else one already
 * there (an earlier `make depend`); else `make depend` when opam-monorepo can fetch; else an error naming every
 * missing library.
 */
export async function prepareDuniverse(l: Layout, run: StepRunner, tc: MirageToolchain, app: string, dirs: DuniverseDir[]): Promise<void> {
  const target = join(app, 'duniverse');
  const { work, seed, stamp } = await duniverseWork(l, tc, app, dirs);
  if (work === 'none') return;
  if (work === 'copy') {
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.mkdir(target, { recursive: true });
    await run.step(`copy the duniverse seed (${dirs.length} libraries)`, 'cp', ['-al', '--', ...dirs.map((d) => seed.present[d]!), target]);
    await writeFileAtomic(join(target, SEED_STAMP), stamp);
    return;
  }
  if (work === 'depend') {
    await run.step('fetch dependencies (make depend)', 'make', ['depend'], { cwd: app, env: tc.env });
    return;
  }
  throw failure(
    `MirageOS build needs ${seed.missing.length} OCaml libraries missing from ${seedDir(l)} (${seed.missing.join(', ')}) and cannot fetch them (no opam-monorepo on PATH): run unik toolchain install mirage`,
  );
}

/**
 * dune tracks nothing outside the build dir: another toolchain (a Solo5 patch changes the bindings object, not its
 * path) would leave the last link in place. A build dir last built with another toolchain starts from no _build/.
 */
export async function forgetOtherToolchain(app: string, toolchain: Record<string, string>): Promise<void> {
  const stamp = JSON.stringify(toolchain);
  if ((await fsp.readFile(join(app, TOOLCHAIN_STAMP), 'utf8').catch(() => null)) === stamp) return;
  await fsp.rm(join(app, '_build'), { recursive: true, force: true });
  await writeFileAtomic(join(app, TOOLCHAIN_STAMP), stamp);
}

/** `make build` without make: the generated Makefile's build step calls opam, dune alone needs no network. */
export const duneBuild = (run: StepRunner, tc: MirageToolchain, app: string) =>
  run.step('compile and link (dune build)', tc.tools.dune!, ['build', '--profile', 'release', '--root', '.', './dist', '-j', String(Math.max(1, cpus().length))], { cwd: app, env: tc.env });

export async function buildMirage(ctx: BuildContext, l: Layout): Promise<BuiltKernel> {
  const tc = requireMirageToolchain(l, ctx.platform);
  const app = mirageAppDir(ctx.workDir);
  const store = storeEntries(ctx.contents?.files ?? [], ctx.manifest.manifestPath);
  const dirs = duniverseFor(ctx.devices, ctx.manifest.packages, store.length > 0);
  await fsp.mkdir(app, { recursive: true });
  await stageApp(app, ctx.manifest, renderMirage(ctx.manifest, ctx.drivers));
  await stageStore(app, store);
  // configure, the duniverse when it needs work, dune build, strip.
  ctx.run.plan(3 + ((await duniverseWork(l, tc, app, dirs)).work === 'none' ? 0 : 1));
  await ctx.run.step(`configure (mirage configure -t ${ctx.platform})`, tc.tools.mirage!, ['configure', '-t', ctx.platform], { cwd: app, env: tc.env });
  await prepareDuniverse(l, ctx.run, tc, app, dirs);
  const versions = await mirageFingerprint(l, tc, ctx.platform);
  await forgetOtherToolchain(app, versions);
  await duneBuild(ctx.run, tc, app);

  const name = ctx.manifest.name;
  const built = join(app, 'dist', `${name}.${ctx.platform}`);
  if (!existsSync(built)) throw failure(`dune finished but produced no ${built}; log: ${ctx.run.logPath}`);
  const kernelPath = join(ctx.workDir, `${name}.${ctx.platform}`);
  await ctx.run.step('strip', 'strip', [...stripArgs(ctx.platform), '-o', kernelPath, built]);

  // Build and run must agree: the tender flags and QEMU devices come from the same Solo5 manifest.
  const written = JSON.parse(await fsp.readFile(join(app, 'mirage', 'manifest.json'), 'utf8')) as { devices: { name: string; type: string }[] };
  const solo5 = written.devices.map((d) => `${d.type}:${d.name}`).sort();
  const expected = solo5Manifest(ctx.devices).map((d) => `${d.type}:${d.name}`).sort();
  if (JSON.stringify(solo5) !== JSON.stringify(expected)) {
    throw failure(`mirage configure wrote Solo5 devices [${solo5.join(', ')}], expected [${expected.join(', ')}] from unik.yaml`);
  }
  const tender = ctx.platform === 'spt' ? tc.tools['solo5-spt'] : ctx.platform === 'hvt' ? tc.tools['solo5-hvt'] : null;
  return {
    kernelPath,
    // The tender travels with the image: Solo5 refuses images built against another ABI version.
    files: tender ? { tender } : {},
    drivers: ['console', ...solo5, ...(store.length ? [`kv_ro:${storeModule(STORE_DIR)}`] : [])],
    libraries: dirs,
    version: versions.mirage!.replace(/^v/, ''),
    // Booted with --solo5:quiet only where the exit line survives it: on virtio it carries the status.
    ...(solo5HasFixup(l, tc, ctx.platform, QUIET_EXIT_FIXUP) ? { bootSettings: { [SOLO5_LOG_SETTING]: 'quiet' } } : {}),
  };
}

import { sha256 } from '../../lib/sha256.js';
import { existsSync, promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { tempSibling, writeFileAtomic, writeJsonAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import { withLock } from '../../lib/lock.js';
import type { ResolvedSource } from '../../sources/cache.js';
import type { StepRunner } from '../../lib/steps.js';
import type { BuildTree } from '../source-patches.js';
import { isIncomplete, repairableWork } from '../../lib/workdir.js';
import { packageRoot } from '../../lib/package-root.js';
import { unikObjectsIn, withKconfig, type OsvFs, type UnikObject } from './drivers.js';
import type { OsvStepFacts } from './plan.js';
import { pickSeed, seedOutDir, seedSound, type KernelMeta } from './seed.js';

/** A cached, app-independent OSv kernel: what an app image needs from the kernel build. */
export interface OsvKernel {
  dir: string;
  kernel: string;
  libenviron: string;
  driversHeader: string;
  kernelConfig: string;
  version: string | null;
}

/** The files kept from an OSv out directory (the rest, ~250 MB of objects, stays in the checkout for make). */
const KEPT_KERNEL = 'loader-stripped.elf';
const KEPT = {
  kernel: KEPT_KERNEL,
  libenviron: 'libenviron.so',
  driversHeader: 'gen/include/osv/drivers_config.h',
  kernelConfig: 'gen/include/osv/kernel_config.h',
  version: 'gen/include/osv/version.h',
} as const;
const META = 'kernel.json';

/** Pure: how a kernel record names an applied patch: file and content hash. */
export const patchIds = (applied: BuildTree['applied']): string[] => applied.map((p) => `${p.file}:${p.sha256}`);

/**
 * Pure: one kernel per OSv commit, make flags, root filesystem, the sha256 of each unik object it links and
 * the patches applied to its tree (see patchIds).
 */
export function kernelKey(commit: string, makeArgs: string[], fs: OsvFs, objects: Record<string, string> = {}, patches: string[] = []): string {
  const linked = Object.keys(objects).length ? { objects } : {};
  const patched = patches.length ? { patches } : {};
  return sha256().update(JSON.stringify({ commit, makeArgs, fs, ...linked, ...patched })).digest('hex').slice(0, 16);
}

const objectSource = (name: UnikObject) => join(packageRoot(), 'targets', 'osv', 'c', `${name}.c`);

/** Pure: how a unik object is compiled for OSv's kernel: not position-independent, like the kernel's own code. */
export const unikObjectGccArgv = (src: string, obj: string) => ['-c', '-O2', '-fno-pie', '-fno-stack-protector', '-o', obj, src];

/** A modified checkout gets its own out directory and cache entry, so its kernel never passes for the commit's. */
async function keyOf(osv: ResolvedSource, tree: BuildTree, makeArgs: string[], fs: OsvFs): Promise<string> {
  const sha = async (n: UnikObject) => [n, sha256().update(await fsp.readFile(objectSource(n))).digest('hex')] as const;
  const objects = Object.fromEntries(await Promise.all(unikObjectsIn(makeArgs).map(sha)));
  return kernelKey(osv.dirty ? `${osv.commit}-dirty` : osv.commit, makeArgs, fs, objects, patchIds(tree.applied));
}

/** Compile the unik objects the make arguments link into the out directory, where they name them. */
async function compileUnikObjects(run: StepRunner, makeArgs: string[], out: string): Promise<void> {
  for (const n of unikObjectsIn(makeArgs)) await run.step(`compile ${n}.c for the OSv kernel (gcc)`, 'gcc', unikObjectGccArgv(objectSource(n), join(out, `${n}.o`)));
}

/**
 * Pure: the make argument arrays, run in the OSv checkout. OSv's Makefile wants out=build/<name>.<arch>, and a
 * new out directory needs its kernel_conf.mk generated first. The kernel's bootfs stays empty: the app lives
 * on the rofs disk, so the kernel is app-independent.
 */
export function kernelMakeArgv(key: string, makeArgs: string[], fs: OsvFs, jobs: number, bootfsManifest = 'bootfs_empty.manifest.skel') {
  const outDir = `build/unik-${key}.x64`;
  const out = `out=${outDir}`;
  return {
    outDir,
    config: ['-f', 'conf/Makefile', '-j1', out, ...makeArgs, 'config'],
    // OSv regenerates drivers_config.h (and version.h) through phony targets while the build runs, after make
    // may have judged the objects that include it: alone, a switched driver set can leave stale objects.
    headers: ['-j1', out, ...makeArgs, 'generated-headers'],
    // OSv reads bootfs_manifest relative to its checkout. Its Makefile marks every file .SECONDARY, so a
    // missing loader-stripped.elf is not remade for `all` alone: name it as a goal too.
    build: [`-j${jobs}`, out, ...makeArgs, `fs=${fs}`, `bootfs_manifest=${bootfsManifest}`, 'all', `build/unik-${key}.x64/${KEPT_KERNEL}`],
  };
}

/** The records of every kernel cached so far (seed candidates). */
async function cachedMetas(cacheDir: string): Promise<KernelMeta[]> {
  const keys = await fsp.readdir(cacheDir).catch(() => [] as string[]);
  const read = (k: string) => fsp.readFile(join(cacheDir, k, META), 'utf8').then((t) => [JSON.parse(t) as KernelMeta], () => []);
  return (await Promise.all(keys.map(read))).flat();
}

const lockOf = (tree: BuildTree) => join(tree.path, 'build', '.unik.lock');

const kernelAt = (dir: string, version: string | null): OsvKernel => ({
  dir,
  kernel: join(dir, 'loader-stripped.elf'),
  libenviron: join(dir, 'libenviron.so'),
  driversHeader: join(dir, 'drivers_config.h'),
  kernelConfig: join(dir, 'kernel_config.h'),
  version,
});

/**
 * Whether the cache has this kernel. A ramfs kernel is relinked per app, so it needs a sound out directory in this
 * tree, not only the copy. kernel_config.h came into the cache later: an entry without it is completed by a
 * (no-op) make.
 */
const kernelUsable = (osv: ResolvedSource, dir: string, out: string, fs: OsvFs) =>
  !osv.dirty && existsSync(join(dir, META)) && existsSync(join(dir, 'kernel_config.h')) && (fs === 'rofs' || (existsSync(join(out, 'loader.elf')) && !isIncomplete(out)));

/** OSv's Kconfig defaults for the symbols unik decides (both on): a make argument that turns one off is an edit. */
const KCONFIG_DEFAULTS = 'CONF_networking_stack=y\nCONF_tracepoints=y\n';

/** The kernel steps ensureKernel will run (null: none, the cache has it), read without running any. */
export async function kernelStepFacts(osv: ResolvedSource, tree: BuildTree, makeArgs: string[], fs: OsvFs, cacheDir: string): Promise<OsvStepFacts['kernel']> {
  const key = await keyOf(osv, tree, makeArgs, fs);
  const out = join(tree.path, kernelMakeArgv(key, makeArgs, fs, 1).outDir);
  if (kernelUsable(osv, join(cacheDir, key), out, fs)) return null;
  const configures = !existsSync(join(out, 'gen', 'config', 'kernel_conf.mk'));
  const seed = configures && !osv.dirty ? pickSeed(await cachedMetas(cacheDir), osv.commit, makeArgs, patchIds(tree.applied)) : null;
  return { configures, kconfig: withKconfig(KCONFIG_DEFAULTS, makeArgs) !== null, seeded: seed !== null && seedSound(seed, out), objects: unikObjectsIn(makeArgs).length };
}

/**
 * The kernel for this configuration: from `cacheDir/<key>/` when built before, else built with OSv's make
 * (~5 min on 2 cores) and copied there. make runs in `tree` (the checkout, or unik's patched copy of it).
 * Builds are serialised per tree: OSv's make re-points the shared build/release and build/last links. A
 * modified checkout is rebuilt (incrementally) every time.
 */
export async function ensureKernel(run: StepRunner, osv: ResolvedSource, tree: BuildTree, makeArgs: string[], fs: OsvFs, cacheDir: string, jobs: number): Promise<OsvKernel> {
  const key = await keyOf(osv, tree, makeArgs, fs);
  const dir = join(cacheDir, key);
  const argv = kernelMakeArgv(key, makeArgs, fs, jobs);
  const out = join(tree.path, argv.outDir);
  const usable = () => kernelUsable(osv, dir, out, fs);
  const cached = async () => (JSON.parse(await fsp.readFile(join(dir, META), 'utf8')) as { version: string | null }).version;
  if (usable()) return kernelAt(dir, await cached());

  return withLock(lockOf(tree), async () => {
    if (usable()) return kernelAt(dir, await cached());
    // An out directory a killed build left behind is emptied first (lib/workdir.ts).
    let seeded = false;
    await repairableWork(out, async () => {
      if (!existsSync(join(out, 'gen', 'config', 'kernel_conf.mk'))) {
        const seed = osv.dirty ? null : pickSeed(await cachedMetas(cacheDir), osv.commit, makeArgs, patchIds(tree.applied));
        seeded = seed !== null && (await seedOutDir(run, seed, out, argv.outDir));
        await run.step('configure the OSv kernel (make config)', 'make', argv.config, { cwd: tree.path });
        // unik's Kconfig choices go into the new .config, and the same target syncs the generated headers to
        // it: OSv's own path after menuconfig.
        const dotConfig = join(out, '.config');
        const edited = withKconfig(await fsp.readFile(dotConfig, 'utf8'), makeArgs);
        if (edited !== null) {
          await writeFileAtomic(dotConfig, edited);
          await run.step("apply unik's Kconfig choices (make config)", 'make', argv.config, { cwd: tree.path });
        }
      }
      if (seeded) await run.step("regenerate OSv's generated headers for this configuration (make generated-headers)", 'make', argv.headers, { cwd: tree.path });
      await compileUnikObjects(run, makeArgs, out);
      await run.step(`build the OSv kernel (make, ${makeArgs.join(' ')})`, 'make', argv.build, { cwd: tree.path });
    }, { killed: run.killed });
    if (!existsSync(join(out, KEPT.kernel))) throw failure(`OSv's make finished but produced no ${join(out, KEPT.kernel)}; log: ${run.logPath}`);

    const versionH = await fsp.readFile(join(out, KEPT.version), 'utf8').catch(() => '');
    const version = /OSV_VERSION "v?([^"]+)"/.exec(versionH)?.[1] ?? null;
    const tmp = tempSibling(dir);
    await fsp.mkdir(tmp, { recursive: true });
    try {
      await fsp.copyFile(join(out, KEPT.kernel), join(tmp, 'loader-stripped.elf'));
      await fsp.copyFile(join(out, KEPT.libenviron), join(tmp, 'libenviron.so'));
      await fsp.copyFile(join(out, KEPT.driversHeader), join(tmp, 'drivers_config.h'));
      await fsp.copyFile(join(out, KEPT.kernelConfig), join(tmp, 'kernel_config.h'));
      const meta: KernelMeta & { version: string | null } = { commit: osv.commit, dirty: osv.dirty, makeArgs, fs, patches: patchIds(tree.applied), version, outDir: out };
      await writeJsonAtomic(join(tmp, META), meta);
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.rename(tmp, dir);
    } catch (e) {
      await fsp.rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return kernelAt(dir, version);
  });
}

/**
 * ramfs: the app lives in the kernel's bootfs, so each app relinks the configured kernel (seconds): the
 * staging directory is linked into the out directory, bootfs.bin is rebuilt from `manifest`, and the kernel is
 * copied to `dest`. Under the same lock as kernel builds, since the out directory is shared.
 */
export async function linkRamfsKernel(run: StepRunner, osv: ResolvedSource, tree: BuildTree, makeArgs: string[], jobs: number, stage: string, stageLink: string, dest: string): Promise<string> {
  const key = await keyOf(osv, tree, makeArgs, 'ramfs');
  // make runs in the tree's real directory: a linked tree (a test's UNIK_HOME) must not skew the relative path.
  const argv = kernelMakeArgv(key, makeArgs, 'ramfs', jobs, relative(await fsp.realpath(tree.path), join(stage, 'usr.manifest')));
  return withLock(lockOf(tree), async () => {
    const out = join(tree.path, argv.outDir);
    await fsp.rm(join(out, stageLink), { force: true });
    await fsp.symlink(stage, join(out, stageLink));
    // mkbootfs's dependency list does not cover a re-pointed link: a touched manifest rebuilds the bootfs and
    // relinks the kernel every time; a kernel older than that is stale.
    const t0 = new Date();
    await fsp.utimes(join(stage, 'usr.manifest'), t0, t0);
    await repairableWork(out, () => run.step('link the app into the OSv kernel (make, ramfs bootfs)', 'make', argv.build, { cwd: tree.path }), { killed: run.killed });
    const built = await fsp.stat(join(out, KEPT.kernel)).catch(() => null);
    if (!built || built.mtimeMs < t0.getTime() - 1000) throw failure(`OSv's make finished but left no fresh ${join(out, KEPT.kernel)}; log: ${run.logPath}`);
    const tmp = tempSibling(dest);
    await fsp.copyFile(join(out, KEPT.kernel), tmp);
    await fsp.rename(tmp, dest);
    return dest;
  });
}

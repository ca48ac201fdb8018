import { existsSync, promises as fsp } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import type { Layout } from '../../lib/home.js';
import { withLock } from '../../lib/lock.js';
import { repairableWork, writeIfChanged } from '../../lib/workdir.js';
import type { BuildContext, BuiltKernel } from '../target.js';
import { PROGRAM_SETTING } from './boot.js';
import { fetchShimCommand, kernelFileName, linkedLibraries, makeArgv } from './build.js';
import { driversFromConfig } from './drivers.js';
import { checkElfloaderProgram, ELFLOADER_NAME, elfloaderKernelKey, programGuestPath, renderElfloader } from './elfloader.js';
import { writeInitrd } from './initrd.js';
import { patchedTree } from './patched-tree.js';

/** What a finished elfloader kernel build leaves next to its kernel: read instead of rebuilding. */
interface KernelStamp {
  drivers: string[];
  libraries: string[];
  version: string | null;
}
const STAMP = 'kernel.json';

/**
 * The app-elfloader kernel for this device set, from UNIK_HOME/builds/unikraft-elfloader/<key> when built before
 * (any app's), else built there once with Unikraft's make (A = the app-elfloader checkout, which make only
 * reads; objects go to O), from the build copy of Unikraft with unik's patches and the elfloader ones. Then
 * the app's own part, the initrd with the program, its loader, libraries and `files`: a changed program
 * repacks it (milliseconds) and boots the same kernel.
 */
export async function buildElfloader(ctx: BuildContext, l: Pick<Layout, 'sourcesLock' | 'builds'>): Promise<BuiltKernel> {
  checkElfloaderProgram(ctx.manifest, ctx.contents);
  const defconfig = renderElfloader(ctx.drivers)[0]!.content;
  const sources = Object.values(ctx.sources);
  // A modified checkout has no name to key a shared kernel by: it builds in the app's own directory.
  const dir = sources.some((s) => s.dirty) ? join(ctx.workDir, 'elfloader') : join(l.builds, 'unikraft-elfloader', elfloaderKernelKey(sources, ctx.patches, defconfig));
  const stampPath = join(dir, STAMP);
  const work = join(dir, 'work');
  const kernelPath = join(work, 'build', kernelFileName(ELFLOADER_NAME));
  const fresh = () => !sources.some((s) => s.dirty) && existsSync(stampPath) && existsSync(kernelPath);

  if (!fresh()) {
    await fsp.mkdir(dir, { recursive: true });
    await withLock(join(dir, '.lock'), async () => {
      if (fresh()) return;
      // A killed make may leave truncated objects that look up to date: repairableWork starts such a directory over.
      await repairableWork(work, () => makeKernel(ctx, l, work, defconfig), { killed: ctx.run.killed });
      if (!existsSync(kernelPath)) throw failure(`make finished but produced no ${kernelPath}; log: ${ctx.run.logPath}`);
      const final = await fsp.readFile(join(work, 'config'), 'utf8');
      const stamp: KernelStamp = {
        drivers: driversFromConfig(final),
        libraries: await linkedLibraries(join(work, 'build')),
        version: /Unikraft\/([\d.]+)/.exec(final)?.[1] ?? null,
      };
      await writeJsonAtomic(stampPath, stamp);
    });
  }
  const stamp = JSON.parse(await fsp.readFile(stampPath, 'utf8')) as KernelStamp;
  return {
    kernelPath,
    files: { initrd: await writeInitrd(ctx.contents?.files ?? [], join(ctx.workDir, 'files.cpio')) },
    drivers: stamp.drivers,
    libraries: [...new Set([...stamp.libraries, ...(ctx.contents?.files ?? []).flatMap((f) => (f.soname ? [f.soname] : []))])],
    ...(stamp.version ? { version: stamp.version } : {}),
    bootSettings: { [PROGRAM_SETTING]: programGuestPath(ctx.manifest.name) },
    patches: ctx.sources.unikraft!.dirty ? [] : ctx.patches,
  };
}

/** Unikraft's make for the elfloader kernel in `work` (defconfig, config, build/), incremental where it can be. */
async function makeKernel(ctx: BuildContext, l: Pick<Layout, 'sourcesLock' | 'builds'>, work: string, defconfig: string): Promise<void> {
  const tree = await patchedTree(ctx.sources.unikraft!, ctx.patches, l.builds, ctx.run);
  const config = join(work, 'config');
  const changed = await writeIfChanged(join(work, 'defconfig'), defconfig);
  const argv = makeArgv({
    unikraft: tree.path,
    app: ctx.sources['app-elfloader']!.path,
    libs: ctx.drivers.requires.filter((n) => n !== 'app-elfloader').map((n) => ctx.sources[n]!.path),
    out: join(work, 'build'),
    config,
    jobs: Math.max(1, cpus().length),
    fetchShim: fetchShimCommand(),
    defconfig: join(work, 'defconfig'),
  });
  if (changed || !existsSync(config)) {
    await ctx.run.step('configure app-elfloader (make defconfig)', 'make', argv.defconfig);
    await ctx.run.step('resolve configuration (make syncconfig)', 'make', argv.syncconfig);
  }
  await ctx.run.step('compile and link the app-elfloader kernel (make)', 'make', argv.build, { env: { UNIK_SOURCES_LOCK: l.sourcesLock } });
}

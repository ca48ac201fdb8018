import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { failure } from '../../lib/errors.js';
import type { Layout } from '../../lib/home.js';
import { packageRoot } from '../../lib/package-root.js';
import { syncLinks, writeIfChanged } from '../../lib/workdir.js';
import { patchedTree, patchedTreeDir } from './patched-tree.js';
import type { BuildContext, BuiltKernel } from '../target.js';
import { driversFromConfig } from './drivers.js';
import { relativeSources, renderUnikraft } from './render.js';
import { writeInitrd } from './initrd.js';

/** Unikraft names its image <UK_NAME>_<plat>-<arch>. */
export const kernelFileName = (name: string) => `${name}_qemu-x86_64`;

/** The directories of one app's persistent build; objects survive between builds so make stays incremental. */
export function unikraftDirs(workDir: string) {
  return { app: join(workDir, 'app'), out: join(workDir, 'build'), config: join(workDir, 'config'), tree: join(workDir, 'unikraft-tree') };
}

/**
 * Pure: the make argument arrays. Unikraft's make is called directly with A=/L=/O=/C= (the app-helloworld
 * wrapper's empty L= breaks it), and WGET points at unik's checksummed archive server.
 */
export function makeArgv(opts: { unikraft: string; app: string; libs: string[]; out: string; config: string; jobs: number; fetchShim: string; defconfig?: string }) {
  const common = ['-C', opts.unikraft, `A=${opts.app}`, `L=${opts.libs.join(':')}`, `O=${opts.out}`, `C=${opts.config}`];
  return {
    defconfig: [...common, `UK_DEFCONFIG=${opts.defconfig ?? join(opts.app, 'defconfig')}`, 'defconfig'],
    // Without this the first build rewrites the config it just copied, and the next build recompiles everything.
    syncconfig: [...common, 'syncconfig'],
    build: [...common, `-j${opts.jobs}`, `WGET=${opts.fetchShim}`],
  };
}

/** The `WGET=` command make runs: unik's archive server (fetch-shim.ts) under this node. */
export function fetchShimCommand(): string {
  const shim = join(packageRoot(), 'dist', 'targets', 'unikraft', 'fetch-shim.js');
  if (/\s/.test(process.execPath) || /\s/.test(shim)) {
    throw failure(`unik's own path contains whitespace (${shim}); make cannot run its archive server from there`);
  }
  return `${process.execPath} ${shim}`;
}

/**
 * How many steps this build runs, known before the first: the patched tree's copy (once per commit and patch
 * set), configure (when the tree, the defconfig or the config changed) and make. The same tests as the build's.
 */
async function plannedSteps(ctx: BuildContext, dirs: ReturnType<typeof unikraftDirs>, files: { path: string; content: string }[], builds: string): Promise<number> {
  const src = ctx.sources.unikraft!;
  const copies = !src.dirty && ctx.patches.length > 0;
  const treePath = copies ? patchedTreeDir(builds, src.commit, ctx.patches) : src.path;
  const read = (p: string) => fsp.readFile(p, 'utf8').catch(() => null);
  const defconfig = files.find((f) => f.path === 'defconfig')?.content;
  const [configAt, defconfigAt] = await Promise.all([fsp.stat(dirs.config).catch(() => null), fsp.stat(join(dirs.app, 'defconfig')).catch(() => null)]);
  const configures = !configAt || !defconfigAt || configAt.mtimeMs < defconfigAt.mtimeMs || (await read(dirs.tree)) !== treePath || (await read(join(dirs.app, 'defconfig'))) !== defconfig;
  return (copies && !existsSync(treePath) ? 2 + ctx.patches.length : 0) + (configures ? 2 : 0) + 1;
}

export async function buildUnikraft(ctx: BuildContext, l: Pick<Layout, 'sourcesLock' | 'builds'>): Promise<BuiltKernel> {
  const dirs = unikraftDirs(ctx.workDir);
  const files = renderUnikraft(ctx.manifest, ctx.drivers);
  ctx.run.plan(await plannedSteps(ctx, dirs, files, l.builds));
  const tree = await patchedTree(ctx.sources.unikraft!, ctx.patches, l.builds, ctx.run);
  // Objects made from another tree (unpatched, older patches) must not be taken for up to date: start over.
  if (await writeIfChanged(dirs.tree, tree.path)) {
    await fsp.rm(dirs.out, { recursive: true, force: true });
    await fsp.rm(dirs.config, { force: true });
  }
  for (const f of files) await writeIfChanged(join(dirs.app, f.path), f.content);
  // Configure when the final config is missing or older than the defconfig: a configure that was cut short
  // (or failed) leaves it older, so the next build configures again instead of building a half config.
  const configAt = await fsp.stat(dirs.config).catch(() => null);
  const configChanged = !configAt || configAt.mtimeMs < (await fsp.stat(join(dirs.app, 'defconfig'))).mtimeMs;
  const links = Object.fromEntries(
    relativeSources(ctx.manifest).map((rel, i) => [rel, ctx.manifest.sources[i]!] as const),
  );
  await syncLinks(join(dirs.app, 'src'), links);

  const argv = makeArgv({
    unikraft: tree.path,
    app: dirs.app,
    libs: ctx.drivers.requires.map((n) => ctx.sources[n]!.path),
    out: dirs.out,
    config: dirs.config,
    jobs: Math.max(1, cpus().length),
    fetchShim: fetchShimCommand(),
  });
  if (configChanged) {
    await ctx.run.step('configure (make defconfig)', 'make', argv.defconfig);
    await ctx.run.step('resolve configuration (make syncconfig)', 'make', argv.syncconfig);
  }
  await ctx.run.step('compile and link (make)', 'make', argv.build, { env: { UNIK_SOURCES_LOCK: l.sourcesLock } });

  const kernelPath = join(dirs.out, kernelFileName(ctx.manifest.name));
  if (!existsSync(kernelPath)) throw failure(`make finished but produced no ${kernelPath}; log: ${ctx.run.logPath}`);
  const config = await fsp.readFile(dirs.config, 'utf8');
  const version = /Unikraft\/([\d.]+)/.exec(config)?.[1];
  return {
    kernelPath,
    files: ctx.contents ? { initrd: await writeInitrd(ctx.contents.files, join(ctx.workDir, 'files.cpio')) } : {},
    drivers: driversFromConfig(config),
    libraries: await linkedLibraries(dirs.out),
    ...(version ? { version } : {}),
    patches: tree.applied,
  };
}

/** The libraries actually linked: Unikraft leaves one lib<name>.o per library in the build directory. */
export async function linkedLibraries(out: string): Promise<string[]> {
  const names = await fsp.readdir(out);
  return names
    .filter((n) => /^lib[a-z0-9_]+\.o$/.test(n))
    .map((n) => n.slice(0, -2))
    .sort();
}

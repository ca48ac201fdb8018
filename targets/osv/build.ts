import { execa } from 'execa';
import { existsSync, promises as fsp } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import { syncLinks, writeIfChanged } from '../../lib/workdir.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { BuildContext, BuiltKernel } from '../target.js';
import { rofsDisk } from './disk.js';
import { driversFromConfigHeader, featuresFromKernelConfig, kernelMakeArgs, osvFs } from './drivers.js';
import { ensureKernel, kernelStepFacts, linkRamfsKernel } from './kernel-cache.js';
import { osvTree, plannedOsvTree } from './patched-tree.js';
import { osvStepCount } from './plan.js';
import { bootsWithoutAcpi, reportsStatusQuietly } from './patches.js';
import { checkProcessImports, checkSymbols } from './program-build.js';
import { APP_FILE, appInput, contentManifest, RAMFS_STAGE_LINK, renderOsv } from './render.js';

/** Pure: gcc's arguments for the app. OSv loads position-independent executables and resolves libc itself. */
export const appGccArgv = (sources: string[], out: string) => ['-O2', '-fPIE', '-pie', '-o', out, ...sources];

/** A prebuilt app must be an x86-64 ELF that OSv can relocate: ET_DYN (a PIE or a shared object). */
async function checkPrebuilt(file: string, manifest: Manifest, field: string): Promise<void> {
  const fh = await fsp.open(file, 'r');
  const { buffer } = await fh.read(Buffer.alloc(20), 0, 20, 0).finally(() => fh.close());
  const elf = buffer.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  if (!elf || buffer.readUInt16LE(16) !== 3 || buffer.readUInt16LE(18) !== 0x3e) {
    throw manifestError(manifest.manifestPath, field, 'an x86-64 PIE or shared object (ELF ET_DYN) for target osv', JSON.stringify(relative(manifest.appDir, file)));
  }
}

/** libgcc_s as gcc links it: OSv apps built by gcc may need it, and OSv does not ship one. */
async function libgccS(): Promise<string> {
  const res = await execa('gcc', ['-print-file-name=libgcc_s.so.1'], { reject: false, stdin: 'ignore' });
  const path = res.stdout.trim();
  if (res.exitCode !== 0 || !path.startsWith('/')) throw failure('gcc cannot find libgcc_s.so.1 (install build-essential)');
  return fsp.realpath(path);
}

/**
 * The kernel comes from the per-configuration cache (built once, minutes); the app's part is seconds: compile,
 * then for rofs pack the rendered usr.manifest with OSv's gen-rofs-img.py into a partitioned raw disk, or for
 * ramfs relink the kernel with the app in its bootfs.
 */
export async function buildOsv(ctx: BuildContext, kernelsDir: string, buildsDir: string): Promise<BuiltKernel> {
  const fs = osvFs(ctx.manifest.fs);
  const osv = ctx.sources.osv!;
  if (ctx.contents) checkProcessImports(ctx.manifest, ctx.contents);
  const makeArgs = kernelMakeArgs(ctx.drivers);
  const jobs = Math.min(2, cpus().length);
  const input = appInput(ctx.manifest);
  const planned = plannedOsvTree(osv, ctx.patches, buildsDir);
  const kernelSteps = await kernelStepFacts(osv, planned.tree, makeArgs, fs, kernelsDir);
  ctx.run.plan(osvStepCount({ copyPatches: planned.copies ? ctx.patches.length : null, kernel: kernelSteps, compile: input.kind === 'compile', fs }));
  const tree = await osvTree(osv, ctx.patches, buildsDir, ctx.run);
  const kernel = await ensureKernel(ctx.run, osv, tree, makeArgs, fs, kernelsDir, jobs);

  const stage = join(ctx.workDir, 'root-fs');
  if (input.kind === 'prebuilt') await checkPrebuilt(input.file, ctx.manifest, `sources[${ctx.manifest.sources.indexOf(input.file)}]`);
  if (ctx.contents) checkSymbols(ctx.manifest, ctx.contents, kernel.kernel);
  const content = contentManifest(ctx.contents?.files ?? [], fs);
  await syncLinks(stage, {
    'libenviron.so': kernel.libenviron,
    ...(input.kind === 'program' ? {} : { 'libgcc_s.so.1': await libgccS() }),
    'osv-static': join(osv.path, 'static'),
    ...(input.kind === 'prebuilt' ? { [APP_FILE]: input.file } : {}),
    ...content.links,
  });
  if (input.kind === 'compile') {
    const srcs = input.sources.map((s) => relative(ctx.manifest.appDir, s));
    await ctx.run.step('compile the app (gcc -fPIE -pie)', 'gcc', appGccArgv(srcs, join(stage, APP_FILE)), { cwd: ctx.manifest.appDir });
  }
  for (const f of renderOsv(ctx.manifest, ctx.drivers)) await writeIfChanged(join(stage, f.path), f.path === 'usr.manifest' ? f.content + content.lines : f.content);

  const common = {
    drivers: [...driversFromConfigHeader(await fsp.readFile(kernel.driversHeader, 'utf8')), ...featuresFromKernelConfig(await fsp.readFile(kernel.kernelConfig, 'utf8'))],
    libraries: (ctx.contents?.files ?? []).flatMap((f) => (f.soname ? [f.soname] : [])),
    // A kernel that finds its clock without ACPI boots with QEMU's ACPI off; one that reports the app's status
    // without --verbose boots without it (osvBoot).
    bootSettings: { fs, ...(bootsWithoutAcpi(tree.applied) ? { acpi: 'off' } : {}), ...(reportsStatusQuietly(tree.applied) ? { status: 'quiet' } : {}) },
    patches: tree.applied,
    ...(kernel.version ? { version: kernel.version } : {}),
  };
  if (fs === 'ramfs') {
    const kernelPath = await linkRamfsKernel(ctx.run, osv, tree, makeArgs, jobs, stage, RAMFS_STAGE_LINK, join(ctx.workDir, 'loader-stripped.elf'));
    return { kernelPath, files: {}, ...common };
  }

  const rofs = join(ctx.workDir, 'rofs.img');
  await fsp.rm(rofs, { force: true });
  await ctx.run.step('pack the root filesystem (gen-rofs-img.py)', 'python3', [join(osv.path, 'scripts', 'gen-rofs-img.py'), '-o', rofs, '-m', 'usr.manifest'], { cwd: stage });
  if (!existsSync(rofs)) throw failure(`gen-rofs-img.py finished but produced no ${rofs}; log: ${ctx.run.logPath}`);
  const disk = join(ctx.workDir, 'usr.img');
  await writeFileAtomic(disk, rofsDisk(await fsp.readFile(rofs)));

  return { kernelPath: kernel.kernel, files: { disk }, ...common };
}

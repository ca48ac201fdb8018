import { relative } from 'node:path';
import { usageError } from '../lib/errors.js';
import { layout, logPathFor } from '../lib/home.js';
import { fileSha256, textSha256 } from '../lib/sha256-memo.js';
import type { ProgressSink } from '../lib/progress.js';
import { withLock } from '../lib/lock.js';
import { openStepRunner } from '../lib/steps.js';
import { unikVersion } from '../lib/version.js';
import { appWorkDir, repairableWork } from '../lib/workdir.js';
import { devicesOf, type Devices } from '../manifest/devices.js';
import { loadManifest } from '../manifest/load.js';
import type { Manifest, Platform } from '../manifest/manifest.js';
import { checkArchives, resolveSources } from '../sources/cache.js';
import { targetFor } from '../targets/registry.js';
import type { BuiltKernel, DriverSet, GeneratedFile, Target } from '../targets/target.js';
import { cacheKey } from './cache-key.js';
import { programContents, withPackages } from './contents.js';
import type { ImageRecord, RunConfig } from './record.js';
import { findCached, putImage } from './store.js';

export interface BuildOptions {
  dir: string;
  platform?: Platform;
  noCache?: boolean;
  progress?: ProgressSink;
  /** Things the user should know that are not errors (a damaged stored image being rebuilt). */
  onNote?: (note: string) => void;
}

export interface BuildResult {
  /** The image exactly as stored (what `unik build --json` reports). */
  image: ImageRecord;
  /**
   * The image as this app boots it: the stored kernel with the run settings of this manifest (cmdline,
   * memory, ready, the app's own share and disk paths). A cache hit may be a kernel another directory built:
   * its record is never changed, because `unik run NAME` and that directory's runs depend on it.
   */
  runnable: ImageRecord;
  /** The manifest the image was built from: callers (bench) use it instead of reading unik.yaml again. */
  manifest: Manifest;
  cached: boolean;
  logPath: string | null;
}

/** Everything decided about a build before any tool runs. */
export interface BuildPlan {
  platform: Platform;
  devices: Devices;
  drivers: DriverSet;
  generated: GeneratedFile[];
  run: RunConfig;
}

/** Pure: manifest → devices → platform → drivers → generated files, and the run settings stored with the image. */
export function planBuild(manifest: Manifest, target: Target, platformFlag?: Platform): BuildPlan {
  const devices = devicesOf(manifest);
  const platform = platformFlag ?? manifest.platform ?? target.defaultPlatform(devices);
  if (!target.platforms.includes(platform)) {
    throw usageError(`--platform: expected one of ${target.platforms.join(', ')} for target ${target.name}, found ${JSON.stringify(platform)}`);
  }
  const drivers = target.drivers(devices, platform, manifest);
  return {
    platform,
    devices,
    drivers,
    generated: target.render(manifest, drivers),
    run: {
      devices,
      cmdline: manifest.cmdline,
      memoryMiB: manifest.memoryMiB ?? target.defaultMemoryMiB(devices),
      ready: manifest.ready ?? null,
      ...(Object.keys(manifest.env).length ? { env: manifest.env } : {}),
    },
  };
}

/** The pipeline: manifest → devices → target drivers → generated files → toolchain → image store. */
export async function buildImage(opts: BuildOptions): Promise<BuildResult> {
  const l = layout();
  const manifest = loadManifest(opts.dir);
  const target = await targetFor(manifest.target);
  // `git status` of each source (another process, the longest wait of a cached build) runs while the plan is
  // made and the app's sources hashed; a plan's error still comes first (the early answer is awaited after it).
  const base = resolveSources(l, target.baseSources);
  base.catch(() => undefined);
  const { platform, devices, drivers, generated, run } = planBuild(manifest, target, opts.platform);
  const needed = [...target.baseSources, ...drivers.requires];
  const more = resolveSources(l, drivers.requires.filter((n) => !target.baseSources.includes(n)));
  more.catch(() => undefined);

  const sourceHashes: Record<string, string> = {};
  for (const abs of manifest.sources) {
    sourceHashes[relative(manifest.appDir, abs)] = fileSha256(abs);
  }
  const sources = { ...(await base), ...(await more) };
  const revisions = Object.values(sources).map(({ name, ref, commit, dirty }) => ({ name, ref, commit, dirty }));
  const patches = target.patches?.(manifest) ?? [];
  const contents = await programContents(manifest, target, sources);
  const toolchain = target.fingerprint ? await target.fingerprint(devices, platform, manifest) : undefined;
  const key = cacheKey(
    {
      unikVersion: unikVersion(),
      target: target.name,
      platform,
      name: manifest.name,
      sourceHashes,
      sources: revisions,
      patches: patches.map(({ source, file, sha256 }) => ({ source, file, sha256 })),
      generated: Object.fromEntries(generated.map((f) => [f.path, f.content])),
      ...(contents ? { contents: Object.fromEntries(contents.files.map((f) => [f.guest, f.sha256])) } : {}),
      ...(toolchain ? { toolchain } : {}),
    },
    textSha256,
  );

  const result = (image: ImageRecord, cached: boolean, logPath: string | null = null): BuildResult =>
    ({ image, runnable: { ...image, run }, manifest, cached, logPath });
  const cached = async (onCorrupt?: (why: string) => void) => (key && !opts.noCache ? await findCached(l, key, onCorrupt) : null);
  const early = await cached();
  if (early) return result(early, true);

  // One build per app directory at a time: a second one waits, then usually finds the first one's image.
  const workDir = appWorkDir(l, manifest.name, manifest.appDir, `${target.name}\0${platform}`);
  const waiting = (pid: number) => opts.progress?.(`waiting for another build of ${manifest.name} (pid ${pid}) to finish`);
  return withLock(`${workDir}.lock`, async () => {
    const hit = await cached((why) => opts.onNote?.(`${why}; building it again`));
    if (hit) return result(hit, true);
    await checkArchives(l, needed);
    const runner = await openStepRunner(logPathFor(l, 'build', manifest.name), opts.progress);
    const t0 = performance.now();
    let built: BuiltKernel;
    try {
      built = await repairableWork(workDir, () => target.build({ manifest, devices, platform, drivers, sources, workDir, patches, run: runner, contents }), {
        clean: !!opts.noCache,
        killed: runner.killed,
        onRepair: () => opts.onNote?.(`the last build of ${manifest.name} was interrupted; building it again from a clean directory`),
      });
    } finally {
      await runner.close();
    }
    const image = await putImage(l, built.kernelPath, built.files, {
      // The key's first digits: findCached reads the hit's record from there.
      id: (key ?? (await import('node:crypto')).randomBytes(32).toString('hex')).slice(0, 12),
      name: manifest.name,
      target: target.name,
      platform,
      drivers: built.drivers,
      libraries: built.libraries,
      buildSeconds: Math.round((performance.now() - t0) / 10) / 100,
      sources: revisions,
      patches: (built.patches ?? []).map(({ source, file, sha256 }) => ({ source, file, sha256 })),
      frameworkVersion: built.version ?? null,
      createdAt: new Date().toISOString(),
      appDir: manifest.appDir,
      cacheKey: key ?? '',
      run,
      bootSettings: built.bootSettings ?? {},
      ...(contents ? { contents: withPackages(contents.files) } : {}),
      ...(toolchain ? { toolchain } : {}),
    });
    return result(image, false, runner.logged() ? runner.logPath : null);
  }, waiting);
}

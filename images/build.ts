import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { usageError } from '../lib/errors.js';
import { layout, logPathFor } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import { openStepRunner } from '../lib/steps.js';
import { unikVersion } from '../lib/version.js';
import { appWorkDir } from '../lib/workdir.js';
import { devicesOf, type Devices } from '../manifest/devices.js';
import { loadManifest } from '../manifest/load.js';
import type { Manifest, Platform } from '../manifest/manifest.js';
import { resolveSources } from '../sources/cache.js';
import { targetFor } from '../targets/registry.js';
import type { DriverSet, GeneratedFile, Target } from '../targets/target.js';
import { cacheKey } from './cache-key.js';
import type { ImageRecord, RunConfig } from './record.js';
import { findCached, putImage, updateRecord } from './store.js';

export interface BuildOptions {
  dir: string;
  platform?: Platform;
  noCache?: boolean;
  progress?: ProgressSink;
}

export interface BuildResult {
  image: ImageRecord;
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
    },
  };
}

/** The pipeline: manifest → devices → target drivers → generated files → toolchain → image store. */
export async function buildImage(opts: BuildOptions): Promise<BuildResult> {
  const l = layout();
  const manifest = loadManifest(opts.dir);
  const target = await targetFor(manifest.target);
  const { platform, devices, drivers, generated, run } = planBuild(manifest, target, opts.platform);
  const sources = await resolveSources(l, [...target.baseSources, ...drivers.requires]);
  const revisions = Object.values(sources).map(({ name, ref, commit, dirty }) => ({ name, ref, commit, dirty }));

  const sourceHashes: Record<string, string> = {};
  for (const abs of manifest.sources) {
    sourceHashes[relative(manifest.appDir, abs)] = createHash('sha256').update(await readFile(abs)).digest('hex');
  }
  const toolchain = target.fingerprint ? await target.fingerprint(devices, platform, manifest) : undefined;
  const key = cacheKey({
    unikVersion: unikVersion(),
    target: target.name,
    platform,
    name: manifest.name,
    sourceHashes,
    sources: revisions,
    generated: Object.fromEntries(generated.map((f) => [f.path, f.content])),
    ...(toolchain ? { toolchain } : {}),
  });

  if (key && !opts.noCache) {
    const hit = await findCached(l, key);
    if (hit) {
      // Same kernel; run settings may have changed in the manifest since it was built.
      if (JSON.stringify(hit.run) !== JSON.stringify(run) || hit.appDir !== manifest.appDir) {
        Object.assign(hit, { run, appDir: manifest.appDir });
        await updateRecord(l, hit);
      }
      return { image: hit, manifest, cached: true, logPath: null };
    }
  }

  const workDir = appWorkDir(l, manifest.name, manifest.appDir, `${target.name}\0${platform}`);
  const runner = await openStepRunner(logPathFor(l, 'build', manifest.name), opts.progress);
  const t0 = performance.now();
  let built;
  try {
    built = await target.build({ manifest, devices, platform, drivers, sources, workDir, run: runner });
  } finally {
    await runner.close();
  }
  const buildSeconds = Math.round((performance.now() - t0) / 10) / 100;
  const image = await putImage(l, built.kernelPath, built.files, {
    id: (key ?? randomBytes(32).toString('hex')).slice(0, 12),
    name: manifest.name,
    target: target.name,
    platform,
    drivers: built.drivers,
    libraries: built.libraries,
    buildSeconds,
    sources: revisions,
    frameworkVersion: built.version ?? null,
    createdAt: new Date().toISOString(),
    appDir: manifest.appDir,
    cacheKey: key ?? '',
    run,
    bootSettings: built.bootSettings ?? {},
    ...(toolchain ? { toolchain } : {}),
  });
  return { image, manifest, cached: false, logPath: runner.logPath };
}

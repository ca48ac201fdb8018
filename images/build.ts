import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { usageError } from '../lib/errors.js';
import { layout, logPathFor } from '../lib/home.js';
import { appWorkDir } from '../lib/workdir.js';
import { unikVersion } from '../lib/version.js';
import { devicesOf } from '../manifest/devices.js';
import { loadManifest } from '../manifest/load.js';
import type { Platform } from '../manifest/manifest.js';
import { targetFor } from '../targets/registry.js';
import { resolveSources } from '../sources/cache.js';
import { openStepRunner, type ProgressSink } from '../lib/steps.js';
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
  cached: boolean;
  logPath: string | null;
}

/** The pipeline: manifest → devices → target drivers → generated files → toolchain → image store. */
export async function buildImage(opts: BuildOptions): Promise<BuildResult> {
  const l = layout();
  const manifest = loadManifest(opts.dir);
  const target = await targetFor(manifest.target);
  const devices = devicesOf(manifest);
  const platform = opts.platform ?? manifest.platform ?? target.defaultPlatform?.(devices) ?? target.platforms[0]!;
  if (!target.platforms.includes(platform)) {
    throw usageError(`--platform: expected one of ${target.platforms.join(', ')} for target ${target.name}, found ${JSON.stringify(platform)}`);
  }
  const drivers = target.drivers(devices, platform, manifest);
  const generated = target.render(manifest, drivers);
  const sources = await resolveSources(l, [...target.baseSources, ...drivers.requires]);
  const revisions = Object.values(sources).map(({ name, ref, commit, dirty }) => ({ name, ref, commit, dirty }));

  const sourceHashes: Record<string, string> = {};
  for (const abs of manifest.sources) {
    sourceHashes[relative(manifest.appDir, abs)] = createHash('sha256').update(await readFile(abs)).digest('hex');
  }
  const key = cacheKey({
    unikVersion: unikVersion(),
    target: target.name,
    platform,
    name: manifest.name,
    sourceHashes,
    sources: revisions,
    generated: Object.fromEntries(generated.map((f) => [f.path, f.content])),
    ...(target.fingerprint ? { toolchain: await target.fingerprint(devices, platform) } : {}),
  });
  const run: RunConfig = {
    devices,
    cmdline: manifest.cmdline,
    memoryMiB: manifest.memoryMiB ?? target.defaultMemoryMiB(devices),
    ready: manifest.ready ?? null,
  };

  if (key && !opts.noCache) {
    const hit = await findCached(l, key);
    if (hit) {
      // Same kernel; run settings may have changed in the manifest since it was built.
      if (JSON.stringify(hit.run) !== JSON.stringify(run) || hit.appDir !== manifest.appDir) {
        Object.assign(hit, { run, appDir: manifest.appDir });
        await updateRecord(l, hit);
      }
      return { image: hit, cached: true, logPath: null };
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
  });
  return { image, cached: false, logPath: runner.logPath };
}

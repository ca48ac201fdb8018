import { loadavg } from 'node:os';
import type { Platform } from '../manifest/manifest.js';
import type { ProgressSink } from '../lib/progress.js';
import { buildImage } from '../images/build.js';
import type { ImageRecord } from '../images/record.js';
import { runDensity, type DensityResult } from './density.js';

export interface DensityBenchOptions {
  dir: string;
  image?: ImageRecord;
  platform: Platform | null;
  counts: number[];
  snapshot: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

export interface DensityReport {
  image: string;
  rows: DensityResult[];
  /** The host's 1-minute load average before and after: density figures depend on what else runs. */
  load: { before: number; after: number };
}

/** Every count, cold and (with --snapshot) restored, one after the other; each row stops its instances before the next. */
export async function benchDensity(o: DensityBenchOptions): Promise<DensityReport> {
  const image = o.image ?? (await buildImage({ dir: o.dir, ...(o.platform ? { platform: o.platform } : {}), ...(o.progress ? { progress: o.progress } : {}) })).runnable;
  const before = loadavg()[0]!;
  const rows: DensityResult[] = [];
  for (const n of o.counts) {
    for (const snapshot of o.snapshot ? [false, true] : [false]) {
      rows.push(await runDensity({ image, n, snapshot, ...(o.progress ? { progress: o.progress } : {}), ...(o.signal ? { signal: o.signal } : {}) }));
    }
  }
  return { image: image.name, rows, load: { before, after: loadavg()[0]! } };
}

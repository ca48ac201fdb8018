import { loadavg } from 'node:os';
import type { Platform } from '../manifest/manifest.js';
import type { ProgressSink } from '../lib/progress.js';
import { buildImage } from '../images/build.js';
import type { ImageRecord } from '../images/record.js';
import { UnikError } from '../lib/errors.js';
import { runDensity, type DensityResult } from './density.js';

/** A count that could not be measured (an instance ended or timed out before answering): why, and the others go on. */
export interface DensityFailure {
  n: number;
  mode: DensityResult['mode'];
  error: string;
}

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
  rows: (DensityResult | DensityFailure)[];
  /** The host's 1-minute load average before and after: density figures depend on what else runs. */
  load: { before: number; after: number };
}

/** Every count, cold and (with --snapshot) restored, one after the other; each row stops its instances before the next. */
export async function benchDensity(o: DensityBenchOptions): Promise<DensityReport> {
  const image = o.image ?? (await buildImage({ dir: o.dir, ...(o.platform ? { platform: o.platform } : {}), ...(o.progress ? { progress: o.progress } : {}) })).runnable;
  const before = loadavg()[0]!;
  const rows: DensityReport['rows'] = [];
  for (const n of o.counts) {
    for (const snapshot of o.snapshot ? [false, true] : [false]) {
      try {
        rows.push(await runDensity({ image, n, snapshot, ...(o.progress ? { progress: o.progress } : {}), ...(o.signal ? { signal: o.signal } : {}) }));
      } catch (e) {
        // Bad input and Ctrl-C end the bench; a count whose instances did not all answer is reported as such.
        if (!(e instanceof UnikError) || e.exitCode === 2 || o.signal?.aborted) throw e;
        rows.push({ n, mode: snapshot ? 'restored' : 'cold', error: e.message });
      }
    }
  }
  return { image: image.name, rows, load: { before, after: loadavg()[0]! } };
}

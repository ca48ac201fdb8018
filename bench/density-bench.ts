import { loadavg } from 'node:os';
import type { ProgressSink } from '../lib/progress.js';
import { buildImage } from '../images/build.js';
import type { ImageRecord } from '../images/record.js';
import { failure, UnikError } from '../lib/errors.js';
import type { Manifest, Platform } from '../manifest/manifest.js';
import { targetFor } from '../targets/registry.js';
import { httpGuestPort, runDensity, type DensityResult } from './density.js';
import { twinDensity, type TwinDensity } from './density-twin.js';
import { appManifest } from './run-bench.js';

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
  /** Which of the unikernel and its crun twin to start (--runtimes); both by default. */
  unikernel: boolean;
  crun: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

export interface DensityReport {
  image: string;
  rows: (DensityResult | DensityFailure)[];
  /** The host's 1-minute load average before and after: density figures depend on what else runs. */
  load: { before: number; after: number };
}

/**
 * Every count, cold and (with --snapshot) restored, then the container twin under crun, one after the other; each
 * row stops its instances before the next, so every row has the host to itself.
 */
export async function benchDensity(o: DensityBenchOptions): Promise<DensityReport> {
  const built = o.image ? null : await buildImage({ dir: o.dir, ...(o.platform ? { platform: o.platform } : {}), ...(o.progress ? { progress: o.progress } : {}) });
  const image = built?.runnable ?? o.image!;
  const guestPort = httpGuestPort(image);
  const opt = { ...(o.progress ? { progress: o.progress } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  const twin = o.crun ? await crunTwin(image, built?.manifest ?? appManifest(image), guestPort, o.progress) : null;
  const before = loadavg()[0]!;
  const rows: DensityReport['rows'] = [];
  const modes: DensityResult['mode'][] = [...(o.unikernel ? (o.snapshot ? ['cold', 'restored'] as const : ['cold'] as const) : []), ...(o.crun ? ['crun'] as const : [])];
  try {
    for (const n of o.counts) {
      for (const mode of modes) {
        // Ctrl-C while the image or the twin was being built, or between rows.
        if (o.signal?.aborted) throw failure('bench interrupted; every instance has been stopped');
        try {
          if (mode !== 'crun') rows.push(await runDensity({ image, n, snapshot: mode === 'restored', ...opt }));
          else if (typeof twin === 'string' || !twin) rows.push({ n, mode, error: twin ?? 'no twin' });
          else rows.push(await twin.run(n, o.signal));
        } catch (e) {
          // Bad input and Ctrl-C end the bench; a count whose instances did not all answer is reported as such.
          if (!(e instanceof UnikError) || e.exitCode === 2 || o.signal?.aborted) throw e;
          rows.push({ n, mode, error: e.message });
        }
      }
    }
  } finally {
    if (twin && typeof twin !== 'string') await twin.close();
  }
  return { image: image.name, rows, load: { before, after: loadavg()[0]! } };
}

/** The twin under crun, or why there is none (no app directory for a stored image, no crun, not root). */
async function crunTwin(image: ImageRecord, manifest: Manifest | null, guestPort: number, progress?: ProgressSink): Promise<TwinDensity | string> {
  if (!manifest) return `no app directory for ${image.name} here (the container twin is built from its sources): bench the app's DIR to compare`;
  return twinDensity({ image, manifest, target: await targetFor(image.target), ...(progress ? { progress } : {}) }, guestPort);
}

import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { failure, UnikError } from '../../lib/errors.js';
import { layout } from '../../lib/home.js';
import { which } from '../../lib/which.js';
import { loadManifest } from '../../targets/manifest-load.js';
import type { ProgressSink } from '../../targets/toolchain.js';
import { buildImage } from '../build.js';
import { diagnose } from '../containers/diagnose.js';
import { hostFacts } from '../containers/host.js';
import type { ContainerRuntimeName, Runtime } from '../containers/runtime.js';
import { CONTAINER_RUNTIMES, containerRuntime } from '../containers/runtimes.js';
import { buildTwin, twinSources, type Twin } from '../containers/twin.js';
import { schedule } from './schedule.js';
import { medianRatio, summarize } from './stats.js';
import type { BenchResult, Contender, Footprint, RuntimeName, RuntimeResult, Sample, Skipped } from './types.js';
import { unikernelContender } from './unikernel.js';

export interface BenchOptions {
  dir: string;
  runs: number;
  warmup: number;
  /** The runtimes the user named, in order; null = every one found. */
  runtimes: RuntimeName[] | null;
  progress?: ProgressSink;
  /** Aborted on Ctrl-C: the current run is killed, then everything is cleaned up. */
  signal?: AbortSignal;
}

const UNIKERNEL_TIMEOUT_MS = 30_000;
/** A first podman or docker run can take seconds on a cold cache. */
const CONTAINER_TIMEOUT_MS = 60_000;

/** One line for the skipped list: the error, then the known cause or else the last line of its output. */
const reasonOf = (e: unknown): string => {
  const detail = e instanceof UnikError ? (e.detail ?? '') : '';
  const why = diagnose(detail) ?? detail.trim().split('\n').at(-1);
  return why ? `${(e as Error).message}: ${why}` : (e as Error).message;
};

/**
 * `unik bench`: build the unikernel and its container twin, time both under every runtime that works here,
 * interleaved round by round, and remove everything created on the way, whatever happens.
 */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const wanted = opts.runtimes ?? ['unikernel', ...CONTAINER_RUNTIMES];
  const { image } = await buildImage({ dir: opts.dir, ...(opts.progress ? { progress: opts.progress } : {}) });
  const manifest = loadManifest(opts.dir);
  const id = randomBytes(4).toString('hex');
  // Container and image names carry the tag; the directory name stays short for podman's 50-byte runroot limit.
  const tag = `unik-bench-${id}`;
  const dir = join(layout().bench, id);
  await mkdir(dir, { recursive: true });

  const skipped: Skipped[] = [];
  const contenders: Contender[] = [];
  const started: Runtime[] = [];
  let twin: Twin | null = null;
  let result: BenchResult | undefined;
  let error: unknown = null;
  let cleanupErrors: string[] = [];
  try {
    if (wanted.includes('unikernel')) contenders.push(await unikernelContender(image, UNIKERNEL_TIMEOUT_MS));

    const host = await hostFacts();
    const runtimes: Runtime[] = [];
    for (const name of wanted.filter((n): n is ContainerRuntimeName => n !== 'unikernel')) {
      opts.progress?.(`checking ${name}`);
      const rt = containerRuntime(name, {
        dir,
        tag,
        host,
        requested: opts.runtimes?.includes(name) ?? false,
        timeoutMs: CONTAINER_TIMEOUT_MS,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const probe = await rt.probe();
      if (probe.ok) runtimes.push(rt);
      else skipped.push({ runtime: name, reason: probe.reason });
    }

    if (runtimes.length) {
      const gcc = await which('gcc');
      const noTwin = !twinSources(manifest)
        ? `${manifest.name} has no C sources, and the container twin is compiled from them`
        : !gcc
          ? 'gcc not found: the container twin is the app compiled with gcc -static (apt install gcc libc6-dev)'
          : null;
      if (noTwin) {
        skipped.push(...runtimes.map((rt) => ({ runtime: rt.name, reason: noTwin })));
      } else {
        opts.progress?.('building the container twin');
        twin = await buildTwin({ gcc: gcc!, manifest, cmdline: image.run.cmdline, dir: join(dir, 'twin') });
        for (const rt of runtimes) {
          opts.progress?.(`preparing ${rt.name}`);
          started.push(rt);
          try {
            const imageBytes = await rt.prepare(twin);
            contenders.push({ name: rt.name, kind: 'container', imageBytes, notes: rt.notes(), runOnce: () => rt.runOnce() });
          } catch (e) {
            skipped.push({ runtime: rt.name, reason: `setting up failed: ${reasonOf(e)}` });
          }
        }
      }
    }

    const samples = await measure(contenders, opts, skipped);
    result = summarizeBench(image.name, opts, contenders, samples, skipped, {
      unikernel: { imageBytes: image.sizeBytes, drivers: image.drivers, libraries: image.libraries },
      container: twin ? { rootfsBytes: twin.rootfs.bytes, files: twin.rootfs.files, executables: twin.rootfs.executables } : null,
    });
  } catch (e) {
    error = e;
  } finally {
    opts.progress?.('cleaning up');
    cleanupErrors = await cleanupAll(started);
    await rm(dir, { recursive: true, force: true });
  }
  const leftovers = cleanupErrors.map((e) => `cleanup: ${e}`).join('\n');
  if (error) {
    if (!leftovers || !(error instanceof UnikError)) throw error;
    throw new UnikError(error.message, error.exitCode, [error.detail, leftovers].filter(Boolean).join('\n'));
  }
  result!.cleanupErrors = cleanupErrors;
  return result!;
}

/** Runs the interleaved schedule. A container runtime that fails is dropped (and listed as skipped); the unikernel failing ends the bench. */
async function measure(contenders: Contender[], opts: BenchOptions, skipped: Skipped[]): Promise<Map<Contender, Sample[]>> {
  const samples = new Map(contenders.map((c) => [c, [] as Sample[]]));
  const dropped = new Set<Contender>();
  for (const slot of schedule(contenders, opts.runs, opts.warmup)) {
    const c = slot.contender;
    if (dropped.has(c)) continue;
    const what = `${slot.warmup ? 'warm-up' : 'run'} ${slot.round}/${slot.warmup ? opts.warmup : opts.runs}`;
    opts.progress?.(`${what} · ${c.name}`);
    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const s = await c.runOnce();
      if (!slot.warmup) samples.get(c)!.push(s);
    } catch (e) {
      if (opts.signal?.aborted) throw failure('bench interrupted; everything it created has been removed');
      if (c.kind === 'unikernel') throw e;
      dropped.add(c);
      skipped.push({ runtime: c.name, reason: `failed in ${what}: ${reasonOf(e)}` });
    }
  }
  for (const c of dropped) samples.delete(c);
  return samples;
}

/** Pure: per-runtime statistics and ratios to the unikernel. */
export function summarizeBench(
  app: string,
  opts: Pick<BenchOptions, 'runs' | 'warmup'>,
  contenders: Contender[],
  samples: Map<Contender, Sample[]>,
  skipped: Skipped[],
  footprint: Footprint,
): BenchResult {
  const results: RuntimeResult[] = [];
  for (const c of contenders) {
    const s = samples.get(c);
    if (!s?.length) continue;
    results.push({
      kind: c.kind,
      runtime: c.name,
      firstOutputMs: summarize(s.map((x) => x.firstOutputMs)),
      exitMs: summarize(s.map((x) => x.exitMs)),
      imageBytes: c.imageBytes,
      vsUnikernel: null,
      output: s[0]!.output,
    });
  }
  const base = results.find((r) => r.kind === 'unikernel');
  for (const r of results) {
    if (base) r.vsUnikernel = { firstOutput: medianRatio(r.firstOutputMs, base.firstOutputMs), exit: medianRatio(r.exitMs, base.exitMs) };
  }
  return {
    app,
    runs: opts.runs,
    warmup: opts.warmup,
    results,
    skipped,
    footprint,
    cleanupErrors: [],
    notes: contenders.filter((c) => samples.has(c)).flatMap((c) => c.notes),
  };
}

/** Every runtime's cleanup runs, whatever the others do; what failed is returned, not thrown. */
async function cleanupAll(runtimes: Runtime[]): Promise<string[]> {
  const errors: string[] = [];
  for (const rt of runtimes) {
    try {
      await rt.cleanup();
    } catch (e) {
      errors.push(`${rt.name}: ${reasonOf(e)}`);
    }
  }
  return errors;
}

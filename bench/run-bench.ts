import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { failure, UnikError } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import { targetFor } from '../targets/registry.js';
import { buildImage } from '../images/build.js';
import type { ImageRecord } from '../images/record.js';
import { loadManifest } from '../manifest/load.js';
import type { Manifest } from '../manifest/manifest.js';
import { totalBytes } from '../images/store.js';
import { failureReason } from './containers/diagnose.js';
import { CONTAINER_RUNTIMES } from './containers/runtimes.js';
import { containerContenders, type Cleanup } from './container-contenders.js';
import { schedule } from './schedule.js';
import { medianRatio, summarize } from '../lib/stats.js';
import { prepareBoot } from '../run/prepare.js';
import type { Sample } from './containers/timed-run.js';
import { floorShape } from '../machine/vmm-floor.js';
import { floorContender } from './floor.js';
import type { BenchOptions, BenchResult, Contender, Footprint, RuntimeName, RuntimeResult, Skipped, VmmShape } from './types.js';
import { portsFreed, serverRun } from './server.js';
import { restoredContender, unikernelContender } from './unikernel.js';

const UNIKERNEL_TIMEOUT_MS = 30_000;

/**
 * `unik bench`: build the unikernel and its container twin, time both under every runtime that works here,
 * interleaved round by round, and remove everything created on the way, whatever happens.
 */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const wanted = opts.runtimes ?? ['unikernel', ...CONTAINER_RUNTIMES];
  const built = opts.image ? null : await buildImage({ dir: opts.dir, ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.progress ? { progress: opts.progress } : {}) });
  const image = built?.runnable ?? opts.image!;
  const manifest = built ? built.manifest : appManifest(image);
  const target = await targetFor(image.target);
  const id = randomBytes(4).toString('hex');
  // Container and image names carry the tag; the directory name stays short for podman's 50-byte runroot limit.
  const tag = `unik-bench-${id}`;
  const dir = join(layout().bench, id);
  await fsp.mkdir(dir, { recursive: true });
  const server = serverRun(image);

  const skipped: Skipped[] = [];
  const started: Cleanup[] = [];
  let result: BenchResult | undefined;
  let error: unknown = null;
  let cleanupErrors: string[] = [];
  try {
    const contenders: Contender[] = [];
    let vmm: VmmShape | null = null;
    if (wanted.includes('unikernel')) {
      contenders.push(unikernelContender(image, UNIKERNEL_TIMEOUT_MS, server));
      if (opts.snapshot) contenders.push(await restoredContender(image, UNIKERNEL_TIMEOUT_MS));
      const floor = await vmmFloorFor(image);
      vmm = floor.vmm;
      if (floor.contender) contenders.push(floor.contender);
    }
    const containerNames = wanted.filter((n): n is Exclude<RuntimeName, 'unikernel'> => n !== 'unikernel');
    const twin = await containerContenders(containerNames, { opts, dir, tag, image, manifest, target, contenders, skipped, started, server });
    // A server's runs share its host ports: each starts once the previous one's forwarder has let go of them.
    const runs = server ? contenders.map((c) => ({ ...c, runOnce: async () => (await portsFreed(server), c.runOnce()) })) : contenders;
    const samples = await measure(runs, opts, skipped);
    result = summarizeBench(image.name, opts, vmm, runs, samples, skipped, server?.url ?? null, {
      unikernel: { imageBytes: totalBytes(image), drivers: image.drivers, libraries: image.libraries },
      container: twin ? { rootfsBytes: twin.rootfs.bytes, files: twin.rootfs.files, executables: twin.rootfs.executables } : null,
    });
  } catch (e) {
    error = e;
  } finally {
    opts.progress?.('cleaning up');
    cleanupErrors = await cleanupAll(started);
    await fsp.rm(dir, { recursive: true, force: true });
  }
  const leftovers = cleanupErrors.map((e) => `cleanup: ${e}`).join('\n');
  if (error) {
    if (!leftovers || !(error instanceof UnikError)) throw error;
    throw new UnikError(error.message, error.exitCode, [error.detail, leftovers].filter(Boolean).join('\n'));
  }
  result!.cleanupErrors = cleanupErrors;
  return result!;
}

/** The app a stored image was built from, when its directory is here and still describes that app; else null. */
export function appManifest(image: ImageRecord): Manifest | null {
  if (!existsSync(join(image.appDir, 'unik.yaml'))) return null;
  try {
    const m = loadManifest(image.appDir);
    return m.name === image.name && m.target === image.target ? m : null;
  } catch {
    return null;
  }
}

/** How the unikernel boots (as `unik run` would) and, for QEMU, the floor contender with that argv shape. */
async function vmmFloorFor(image: ImageRecord): Promise<{ vmm: VmmShape; contender: Contender | null }> {
  const { spec, accel, shownAccel } = await prepareBoot(image, { accel: 'auto' });
  if (spec.kind === 'tender') return { vmm: { machine: spec.machine, accel: shownAccel, memoryMiB: spec.memoryMiB }, contender: null };
  const shape = floorShape(spec, accel);
  return { vmm: { machine: shape.machine, accel, memoryMiB: shape.memoryMiB }, contender: await floorContender(layout(), shape) };
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
      if (c.kind !== 'container') throw e;
      dropped.add(c);
      skipped.push({ runtime: c.name, reason: `failed in ${what}: ${failureReason(e)}` });
    }
  }
  for (const c of dropped) samples.delete(c);
  return samples;
}

/** Pure: per-runtime statistics and ratios to the unikernel and to the VMM floor. */
export function summarizeBench(
  app: string,
  opts: Pick<BenchOptions, 'runs' | 'warmup'>,
  vmm: VmmShape | null,
  contenders: Contender[],
  samples: Map<Contender, Sample[]>,
  skipped: Skipped[],
  server: string | null,
  footprint: Footprint,
): BenchResult {
  const results: RuntimeResult[] = [];
  for (const c of contenders) {
    const s = samples.get(c);
    if (!s?.length) continue;
    const memory = s.flatMap((x) => (x.peakMemoryKiB === null ? [] : [x.peakMemoryKiB]));
    const ready = s.flatMap((x) => (x.readyMs === undefined ? [] : [x.readyMs]));
    results.push({
      kind: c.kind,
      runtime: c.name,
      firstOutputMs: summarize(s.map((x) => x.firstOutputMs)),
      exitMs: summarize(s.map((x) => x.exitMs)),
      readyMs: ready.length ? summarize(ready) : null,
      peakMemoryKiB: memory.length ? summarize(memory) : null,
      imageBytes: c.imageBytes,
      vsUnikernel: null,
      vsFloor: null,
      output: s[0]!.output,
    });
  }
  const base = results.find((r) => r.kind === 'unikernel');
  const floor = results.find((r) => r.kind === 'floor');
  for (const r of results) {
    if (base) {
      r.vsUnikernel = { firstOutput: medianRatio(r.firstOutputMs, base.firstOutputMs), exit: medianRatio(r.exitMs, base.exitMs) };
      if (r.readyMs && base.readyMs) r.vsUnikernel.ready = medianRatio(r.readyMs, base.readyMs);
    }
    if (floor) r.vsFloor = { exit: medianRatio(r.readyMs ?? r.exitMs, floor.exitMs) };
  }
  return {
    app,
    runs: opts.runs,
    warmup: opts.warmup,
    vmm,
    server,
    results,
    skipped,
    footprint,
    cleanupErrors: [],
    notes: contenders.filter((c) => samples.has(c)).flatMap((c) => c.notes),
  };
}

/** Every cleanup runs, whatever the others do; what failed is returned, not thrown. */
async function cleanupAll(cleanups: Cleanup[]): Promise<string[]> {
  const errors: string[] = [];
  for (const rt of cleanups) {
    try {
      await rt.cleanup();
    } catch (e) {
      errors.push(`${rt.name}: ${failureReason(e)}`);
    }
  }
  return errors;
}

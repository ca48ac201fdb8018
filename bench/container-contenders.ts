import { join } from 'node:path';
import { which } from '../lib/which.js';
import type { Manifest } from '../manifest/manifest.js';
import type { Target } from '../targets/target.js';
import type { ProgressSink } from '../lib/progress.js';
import { failureReason } from './containers/diagnose.js';
import { hostFacts } from './containers/host.js';
import { memoryPeak } from '../lib/memory-cgroup.js';
import { cgroupDirs, watchResidue } from './containers/residue.js';
import type { ContainerRuntimeName, Runtime, RuntimeContext, ServerRun } from './containers/runtime.js';
import { containerRuntime } from './containers/runtimes.js';
import { buildTwin, noTwinReason, type Twin } from './containers/twin.js';
import type { ImageRecord } from '../images/record.js';
import { UNIK_RUNTIME_ROW, type BenchOptions, type Contender, type RuntimeName, type Skipped } from './types.js';
import { unikRuntimeRow } from './containers/unik-runtime.js';

/** A first podman or docker run can take seconds on a cold cache. */
const CONTAINER_TIMEOUT_MS = 60_000;

export interface SetUp {
  opts: BenchOptions;
  dir: string;
  tag: string;
  image: ImageRecord;
  /** The app's manifest, for the twin; null for a stored image whose app directory is not here. */
  manifest: Manifest | null;
  target: Target;
  /** Filled in: the runtimes ready to run, the ones that cannot, and what needs cleaning up (runtimes, the memory cgroup). */
  contenders: Contender[];
  skipped: Skipped[];
  started: Cleanup[];
  /** A server's bench: each twin publishes these ports and is timed to the first 2xx (bench/server.ts). */
  server: ServerRun | null;
}

/** What the twin is built from: the app's manifest, its target (which may build the twin its own way) and the image's command line. */
export interface TwinSource {
  dir: string;
  image: ImageRecord;
  manifest: Manifest;
  target: Target;
  progress?: ProgressSink;
}

/** Something the bench removes when it ends, whatever happens; named in the report if it cannot. */
export interface Cleanup {
  name: string;
  cleanup(): Promise<void>;
}

/**
 * Probe the container runtimes, build the twin if any can run it, and install it in each; the twin, if built.
 * unik-runtime's row needs no twin: it runs the unikernel's own image.
 */
export async function containerContenders(names: (ContainerRuntimeName | typeof UNIK_RUNTIME_ROW)[], s: SetUp): Promise<Twin | null> {
  const host = await hostFacts();
  // Runtimes create the parent in every hierarchy they use (podman adds conmon's below it): all of it goes at the end.
  const residue = watchResidue(cgroupDirs(host.cgroupMounts, [`${s.tag}/conmon`, s.tag]));
  s.started.push({ name: 'memory cgroup', cleanup: () => residue.sweep() });
  const memory = await memoryPeak(host.memoryV1, s.tag);
  const ctx = (name: RuntimeName): RuntimeContext => ({
    dir: s.dir,
    tag: s.tag,
    host,
    requested: s.opts.runtimes?.includes(name) ?? false,
    timeoutMs: CONTAINER_TIMEOUT_MS,
    memory,
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  });
  if (names.includes(UNIK_RUNTIME_ROW)) await unikRuntimeContender(ctx(UNIK_RUNTIME_ROW), s);
  const runtimes: Runtime[] = [];
  for (const name of names.filter((n): n is ContainerRuntimeName => n !== UNIK_RUNTIME_ROW)) {
    s.opts.progress?.(`checking ${name}`);
    const rt = containerRuntime(name, ctx(name));
    const probe = await rt.probe();
    if (probe.ok) runtimes.push(rt);
    else s.skipped.push({ runtime: name, reason: probe.reason });
  }
  if (!runtimes.length) return null;
  if (!s.manifest) {
    const noApp = `no app directory for ${s.image.name} here (the container twin is built from its sources): bench the app's DIR to compare`;
    s.skipped.push(...runtimes.map((rt) => ({ runtime: rt.name, reason: noApp })));
    return null;
  }
  const manifest = s.manifest;

  const twin = await twinFor({ ...s, manifest, ...(s.opts.progress ? { progress: s.opts.progress } : {}) }, memory ? `${memory.parent}/twin` : null);
  if (typeof twin === 'string') {
    s.skipped.push(...runtimes.map((rt) => ({ runtime: rt.name, reason: twin })));
    return null;
  }
  for (const rt of runtimes) {
    s.opts.progress?.(`preparing ${rt.name}`);
    // Runtimes clean up before the memory cgroup they ran in.
    s.started.unshift(rt);
    try {
      const imageBytes = await rt.prepare(twin);
      const server = s.server;
      const noPorts = server ? rt.noPorts() : null;
      if (noPorts) s.skipped.push({ runtime: rt.name, reason: `a server's twin must publish port ${server!.ports.map((p) => p.host).join(', ')}, and ${noPorts}` });
      else s.contenders.push({ name: rt.name, kind: 'container', imageBytes, notes: rt.notes(!!server), runOnce: () => rt.runOnce(server ?? undefined) });
    } catch (e) {
      s.skipped.push({ runtime: rt.name, reason: `setting up failed: ${failureReason(e)}` });
    }
  }
  return twin;
}

/** unik-runtime's row: probed, the unikernel's image loaded into its podman store; skipped with the reason otherwise. */
async function unikRuntimeContender(ctx: RuntimeContext, s: SetUp): Promise<void> {
  s.opts.progress?.(`checking ${UNIK_RUNTIME_ROW}`);
  const row = unikRuntimeRow(ctx);
  const probe = await row.probe();
  if (!probe.ok) {
    s.skipped.push({ runtime: UNIK_RUNTIME_ROW, reason: probe.reason });
    return;
  }
  s.started.unshift({ name: UNIK_RUNTIME_ROW, cleanup: () => row.cleanup() });
  try {
    const imageBytes = await row.prepare(s.image);
    s.contenders.push({ name: UNIK_RUNTIME_ROW, kind: 'container', imageBytes, notes: row.notes(), runOnce: () => row.runOnce(s.server ?? undefined) });
  } catch (e) {
    s.skipped.push({ runtime: UNIK_RUNTIME_ROW, reason: `setting up failed: ${failureReason(e)}` });
  }
}

/** Build the app's container twin under `s.dir`, or say why none can be built. */
export async function twinFor(s: TwinSource, cgroupsPath: string | null): Promise<Twin | string> {
  const gcc = await which('gcc');
  const twinOf = s.target.twin;
  const targetTwin = twinOf ? () => twinOf(s.manifest, s.progress ? { progress: s.progress } : {}) : undefined;
  const noTwin = noTwinReason(s.manifest, gcc, !!targetTwin);
  if (noTwin) return noTwin;
  s.progress?.('building the container twin');
  return buildTwin({
    gcc, manifest: s.manifest, cmdline: s.image.run.cmdline, dir: join(s.dir, 'twin'), cgroupsPath,
    ...(targetTwin ? { targetTwin } : {}),
  });
}

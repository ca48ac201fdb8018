import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { failure, usageError } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import { pollHttp } from '../machine/vm-process.js';
import { twinFor, type TwinSource } from './container-contenders.js';
import { hostFacts } from './containers/host.js';
import { ociRuntime, type OciRuntime, type ServingTwin } from './containers/oci-runtime.js';
import { cgroupDirs, watchResidue } from './containers/residue.js';
import { availableNow, densityResult, freePorts, maxInstances, readyTimeoutMs, treePss, type DensityResult } from './density.js';

/**
 * What one serving twin may take here (crun's monitor, the app, slirp4netns, the namespace's holder): a budget,
 * not a measure (one measured at 2.3–3.3 MiB PSS; slirp4netns's buffers grow with traffic).
 */
export const TWIN_BUDGET_MIB = 16;

/** The image's container twin under crun, set up once for every count of a density bench. */
export interface TwinDensity {
  /** Start N twins at once and measure them as the unikernel's instances are measured; all stopped before it returns. */
  run(n: number, signal?: AbortSignal): Promise<DensityResult>;
  /** Removes every container, network, cgroup and file it made. */
  close(): Promise<void>;
}

/** Set up crun with the twin; why not, in plain words, when it cannot run here. */
export async function twinDensity(src: Omit<TwinSource, 'dir'>, guestPort: number): Promise<TwinDensity | string> {
  const host = await hostFacts();
  const id = randomBytes(4).toString('hex');
  const tag = `unik-density-${id}`;
  const dir = join(layout().bench, id);
  const rt = ociRuntime('crun', { dir, tag, host, requested: true, timeoutMs: 60_000, memory: null });
  const probe = await rt.probe();
  if (!probe.ok) return `crun: ${probe.reason}`;
  await fsp.mkdir(dir, { recursive: true });
  // Each twin runs in a cgroup of its own below the tag (crun removes its own; the tag's go at the end).
  const residue = watchResidue(cgroupDirs(host.cgroupMounts, [tag]));
  const close = async () => {
    await rt.cleanup();
    await residue.sweep();
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    const twin = await twinFor({ ...src, dir }, null);
    if (typeof twin === 'string') throw failure(twin);
    src.progress?.('preparing crun');
    await rt.prepare(twin);
    const noPorts = rt.noPorts();
    if (noPorts) throw failure(noPorts);
  } catch (e) {
    await close();
    return `crun: ${e instanceof Error ? e.message : String(e)}`;
  }
  return { run: (n, signal) => runTwins(rt, src.image.name, guestPort, n, src.progress, signal), close };
}

/** N twins started at once, each on its own 127.0.0.1 port, until all answered 200; then all stopped. */
async function runTwins(rt: OciRuntime, image: string, guestPort: number, n: number, progress?: ProgressSink, signal?: AbortSignal): Promise<DensityResult> {
  const available = availableNow();
  const maxN = maxInstances(TWIN_BUDGET_MIB, available);
  if (n > maxN) throw usageError(`--density: expected at most ${maxN} crun twins of ${image} here (~${TWIN_BUDGET_MIB} MiB each; ${Math.round(available / 1024)} MiB available), found ${n}`);
  const ports = await freePorts(n);
  const stop = new AbortController();
  setMaxListeners(n + 10, stop.signal);
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) stop.abort();
  progress?.(`starting ${n} crun twins of ${image}`);
  const ready: number[] = [];
  const twins: Promise<ServingTwin>[] = [];
  const t0 = performance.now();
  try {
    const outcome = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`not all ${n} answered in ${readyTimeoutMs(n) / 1000} s`), readyTimeoutMs(n));
      if (stop.signal.aborted) resolve('aborted');
      stop.signal.addEventListener('abort', () => resolve('aborted'));
      const done = (why: string | null) => (clearTimeout(timer), resolve(why));
      for (const port of ports) {
        const url = `http://127.0.0.1:${port}/`;
        const serving = rt.serve({ ports: [{ host: port, guest: guestPort, protocol: 'tcp' }], url });
        twins.push(serving);
        serving.then(
          (t) => {
            const poll = pollHttp(url, () => {
              ready.push(performance.now() - t0);
              if (ready.length === n) done(null);
            });
            // A twin that ends before answering must not leave the bench waiting.
            void t.ended.then((why) => (poll.stop(), ready.length < n && done(why)));
            stop.signal.addEventListener('abort', () => poll.stop());
          },
          (e: unknown) => done(e instanceof Error ? e.message : String(e)),
        );
      }
    });
    if (outcome === 'aborted') throw failure('bench interrupted; every twin has been stopped');
    if (outcome) throw failure(`a crun twin of ${image} did not answer: ${outcome}`);
    const allReadyMs = performance.now() - t0;
    const started = await Promise.all(twins);
    const network = treePss(...started.flatMap((t) => t.pids.network));
    const pss = treePss(...started.map((t) => t.pids.runtime)) + network;
    return densityResult(image, 'crun', ready, allReadyMs, pss, available, null, network);
  } finally {
    stop.abort();
    await Promise.allSettled(twins.map((t) => t.then((x) => x.stop())));
    signal?.removeEventListener('abort', onAbort);
  }
}

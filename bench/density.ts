import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { failure, usageError } from '../lib/errors.js';
import type { ProgressSink } from '../lib/progress.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { ImageRecord } from '../images/record.js';
import { runImage, type RunResult } from '../run/foreground.js';

/** `unik bench --density N`: N instances of one HTTP image started at once, each on its own 127.0.0.1 port. */
export interface DensityOptions {
  image: ImageRecord;
  n: number;
  /** Restore the image's snapshot in every instance (saved first by one run) instead of booting. */
  snapshot: boolean;
  progress?: ProgressSink;
  /** Ctrl-C: every instance is stopped, then the bench ends. */
  signal?: AbortSignal;
}

export interface DensityResult {
  image: string;
  n: number;
  /** The unikernel booted or restored, or its container twin under crun. */
  mode: 'cold' | 'restored' | 'crun';
  /** ms from the first spawn until the last instance answered 200. */
  allReadyMs: number;
  /** n over allReadyMs, per second. */
  startsPerSecond: number;
  /** Per instance: spawn → its first 200. */
  readyMs: Summary;
  /**
   * Proportional set size of every instance's processes, read once all answered: QEMU and its reaper; for crun, the
   * runtime process, the container's processes and its network (slirp4netns and the namespace's holder), the
   * network's share also apart.
   */
  pssKiB: { total: number; perInstance: number; network?: number };
  memAvailableKiB: number;
  /** The guest RAM each instance was given; null for a container. */
  guestMiB: number | null;
}

/** What one QEMU process costs here besides its guest's RAM under TCG (translated code, devices, libraries): a budget, not a measure. */
export const QEMU_OVERHEAD_MIB = 48;

/** Pure: the largest N of instances of `perInstanceMiB` each that fits in `availableKiB`, 10 % kept back. */
export const maxInstances = (perInstanceMiB: number, availableKiB: number): number => Math.floor((availableKiB * 0.9) / 1024 / perInstanceMiB);

/** Pure: the largest N whose instances fit in `availableKiB`, at guest RAM + QEMU's overhead each. */
export function densityBudget(guestMiB: number, availableKiB: number): { perInstanceMiB: number; maxN: number } {
  const perInstanceMiB = guestMiB + QEMU_OVERHEAD_MIB;
  return { perInstanceMiB, maxN: maxInstances(perInstanceMiB, availableKiB) };
}

/** MemAvailable now, in KiB. */
export const availableNow = (): number => memAvailableKiB(readFileSync('/proc/meminfo', 'utf8'));

/** Pure: MemAvailable from /proc/meminfo's text, in KiB. */
export function memAvailableKiB(meminfo: string): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  if (!m) throw failure('/proc/meminfo has no MemAvailable line: cannot check the memory budget');
  return Number(m[1]);
}

/** Pure: the Pss line of /proc/PID/smaps_rollup, in KiB (pages shared between QEMU processes count once, split). */
export const pssKiB = (rollup: string): number => Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0);

/** A process and its descendants (the reaper and the QEMU it runs; crun and the container's processes). Processes gone meanwhile count nothing. */
function processTree(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/** PSS of the processes `pids` and their descendants, in KiB. */
export const treePss = (...pids: number[]): number =>
  pids.flatMap(processTree).reduce((sum, p) => {
    try {
      return sum + pssKiB(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
    } catch {
      return sum;
    }
  }, 0);

/** Free ports on 127.0.0.1, as the kernel hands them out (each listened on, then closed). */
export async function freePorts(n: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((ok, fail) => {
      const s = createServer();
      s.on('error', fail);
      s.listen(0, '127.0.0.1', () => ok(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

/** How long the instances may take to all answer: TCG guests share the host's cores, so it grows with N. */
export const readyTimeoutMs = (n: number) => 60_000 + 5_000 * n;

/** The guest TCP port an HTTP image publishes first; refused in one line when it has none. */
export function httpGuestPort(image: ImageRecord): number {
  const p = image.run.devices.net?.ports.find((x) => x.protocol === 'tcp');
  if (!p) throw usageError(`--density: expected an HTTP image (devices.net with a TCP port), found ${image.name} without one`);
  return p.guest;
}

/** Start N instances at once, wait until every one answers 200, measure their memory, stop them all. */
export async function runDensity(o: DensityOptions): Promise<DensityResult> {
  const guest = httpGuestPort(o.image);
  const guestMiB = o.image.run.memoryMiB;
  const available = availableNow();
  const budget = densityBudget(guestMiB, available);
  if (o.n > budget.maxN) {
    throw usageError(`--density: expected at most ${budget.maxN} instances of ${o.image.name} here (${budget.perInstanceMiB} MiB each: ${guestMiB} MiB guest + ~${QEMU_OVERHEAD_MIB} MiB QEMU; ${Math.round(available / 1024)} MiB available), found ${o.n}`);
  }
  const port0 = (await freePorts(1))[0]!;
  if (o.snapshot) {
    o.progress?.('saving the snapshot (one boot until ready)');
    const saved = await runImage(o.image, { ...httpRun(port0, guest), snapshot: true, stopWhenReady: true });
    if (!saved.snapshot || !['saved', 'restored'].includes(saved.snapshot.action)) throw failure(`--density --snapshot: no snapshot of ${o.image.name}: ${saved.snapshot?.why ?? saved.how}`);
  }
  const ports = await freePorts(o.n);
  const stop = new AbortController();
  setMaxListeners(o.n + 10, stop.signal);
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  // Every instance listens for Ctrl-C itself (runVm): N of them are expected here.
  process.setMaxListeners(Math.max(process.getMaxListeners(), o.n * 4 + 10));
  const ready: number[] = [];
  let all!: () => void;
  const allReady = new Promise<void>((r) => (all = r));
  o.progress?.(`starting ${o.n} instances of ${o.image.name} ${o.snapshot ? 'from its snapshot' : 'cold'}`);
  const pids: number[] = [];
  const t0 = process.hrtime.bigint();
  const runs: Promise<RunResult>[] = ports.map((port) =>
    runImage(o.image, {
      ...httpRun(port, guest),
      snapshot: o.snapshot,
      stop: stop.signal,
      timeoutMs: readyTimeoutMs(o.n),
      onStart: (pid) => pids.push(pid),
      onReady: (ms) => {
        ready.push(ms);
        if (ready.length === o.n) all();
      },
    }),
  );
  // An instance that ends before answering (QEMU refused a port, out of memory) must not leave the bench waiting.
  const ended = Promise.race(runs.map((r) => r.then((x) => x))).then((x) => (ready.length < o.n ? x : null));
  try {
    const early = await Promise.race([allReady.then(() => null), ended, new Promise<'aborted'>((r) => stop.signal.addEventListener('abort', () => r('aborted')))]);
    if (early === 'aborted') throw failure('bench interrupted; every instance has been stopped');
    if (early) throw failure(`an instance of ${o.image.name} ended before answering: ${early.how}`, early.stderrTail || undefined);
    const allReadyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    return densityResult(o.image.name, o.snapshot ? 'restored' : 'cold', ready, allReadyMs, treePss(...pids), available, guestMiB);
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

const httpRun = (port: number, guest: number) => ({
  accel: 'auto' as const,
  overrides: { ports: [`${port}:${guest}`] },
  readyHttp: `http://127.0.0.1:${port}/`,
});

/** Pure: one row out of what was measured. */
export function densityResult(image: string, mode: DensityResult['mode'], ready: number[], allReadyMs: number, pss: number, available: number, guestMiB: number | null, networkPss?: number): DensityResult {
  const n = ready.length;
  return {
    image,
    n,
    mode,
    allReadyMs: Math.round(allReadyMs * 10) / 10,
    startsPerSecond: Math.round((n / allReadyMs) * 1000 * 100) / 100,
    readyMs: summarize(ready),
    pssKiB: { total: pss, perInstance: Math.round(pss / n), ...(networkPss === undefined ? {} : { network: networkPss }) },
    memAvailableKiB: available,
    guestMiB,
  };
}

import { execa } from 'execa';
import { failure } from '../../lib/errors.js';
import { pollHttp } from '../../machine/vm-process.js';
import { outputTail } from '../../lib/steps.js';
import type { MemoryPeak } from '../../lib/memory-cgroup.js';

/** One run (the unikernel's or a container's), timed from just before the runtime process was spawned. */
export interface Sample {
  /** First byte the app (for the unikernel: the console) printed. */
  firstOutputMs: number;
  /** The runtime process exited. */
  exitMs: number;
  output: string;
  /** Peak memory in KiB: the VMM/tender process's peak RSS, or the container's memory cgroup peak; null if unknown. */
  peakMemoryKiB: number | null;
  /** A server's first HTTP 2xx on its published port (it is then stopped); absent for an app that exits. */
  readyMs?: number;
}

export interface TimedRunOptions {
  timeoutMs: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** The container's parent memory cgroup: reset before the run (untimed), its peak read after it. */
  memory: MemoryPeak | null;
  /** A server: poll this URL from the spawn, and stop it at the first 2xx. */
  readyUrl?: string;
  /**
   * How to stop a server once it answered: the app is the container's PID 1, which ignores a SIGTERM it has no
   * handler for, so the runtime kills the container (podman kill NAME). Default: SIGTERM to the runtime process.
   */
  stop?: () => Promise<unknown>;
}

/**
 * Run one container-runtime invocation and time it: t0 immediately before the spawn, the first byte on its
 * stdout (the container's own stdout: every runtime here passes it straight through), and the exit.
 * A non-zero exit, a timeout or a cancel throws with the stderr tail; the process is killed and reaped.
 */
export async function timedRun(label: string, file: string, args: string[], opts: TimedRunOptions): Promise<Sample> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let firstOutputMs: number | null = null;
  let exitMs: number | null = null;
  await opts.memory?.reset();
  const t0 = performance.now();
  const child = execa(file, args, {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: 2_000,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  child.stdout.on('data', (chunk: Buffer) => {
    firstOutputMs ??= performance.now() - t0;
    out.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  let readyMs: number | null = null;
  const poller = opts.readyUrl
    ? pollHttp(opts.readyUrl, () => {
        readyMs = performance.now() - t0;
        if (opts.stop) void opts.stop().catch(() => child.kill('SIGKILL'));
        else child.kill('SIGTERM');
      })
    : null;
  // 'exit' fires when the process ends; the promise settles only after its pipes close, a little later.
  child.once('exit', () => (exitMs ??= performance.now() - t0));
  const res = await child;
  poller?.stop();
  const stderr = Buffer.concat(err).toString('utf8');
  if (readyMs !== null) {
    // A server stopped by us once it answered: its exit status is the signal's, not a failure.
    const peakMemoryKiB = opts.memory ? await opts.memory.readKiB() : null;
    return { firstOutputMs: firstOutputMs ?? readyMs, exitMs: exitMs ?? performance.now() - t0, output: Buffer.concat(out).toString('utf8'), peakMemoryKiB, readyMs };
  }
  if (opts.readyUrl && !res.failed) throw failure(`${label} exited before ${opts.readyUrl} answered`, outputTail(stderr));
  if (res.failed) {
    const why = res.timedOut
      ? `timed out after ${opts.timeoutMs / 1000} s`
      : res.isCanceled
        ? 'interrupted'
        : res.exitCode !== undefined
          ? `exit code ${res.exitCode}`
          : (res.signal ?? res.shortMessage);
    throw failure(`${label} failed (${why})`, outputTail(stderr));
  }
  if (firstOutputMs === null) throw failure(`${label} printed nothing on stdout`, outputTail(stderr));
  // The output was written before the exit, but node may dispatch the 'exit' event before the last pipe read.
  const exited = Math.max(exitMs ?? performance.now() - t0, firstOutputMs);
  const peakMemoryKiB = opts.memory ? await opts.memory.readKiB() : null;
  return { firstOutputMs, exitMs: exited, output: Buffer.concat(out).toString('utf8'), peakMemoryKiB };
}

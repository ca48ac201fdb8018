import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Accel, BootSpec } from './boot-spec.js';
import { interpretExit } from './exit.js';
import { qemuArgv } from './qemu-argv.js';
import { QEMU } from './qemu-binary.js';
import { tiedProcess } from '../lib/tied.js';

export interface Measured {
  /** ms from just before spawn to the first console byte. */
  bootMs: number | null;
  /** ms to the ready marker (manifest regex or first 2xx of --ready-http); null without a marker. */
  readyMs: number | null;
  /** ms to the guest's own "kernel booted" console line (targets that print one); null otherwise. */
  kernelBootedMs?: number | null;
  /** ms to the VMM's exit. */
  exitMs: number;
  /** Peak resident memory of the VMM or tender process in KiB (the kernel's high-water mark); null without the reaper. */
  peakRssKiB: number | null;
  exitCode: number;
  how: string;
  timedOut: boolean;
  interrupted: string | null;
  pid: number;
  /** The last lines QEMU printed on stderr (its own errors). */
  stderrTail: string;
}

export interface VmOptions {
  accel: Accel;
  /** unik's reaper (machine/host/reap.c, see hostHelper): spawns the VMM and reports its peak memory. Null: setpriv. */
  reaper: string | null;
  /** Every console chunk, as it arrives. */
  onOutput: (chunk: Buffer) => void;
  timeoutMs?: number;
  ready?: RegExp | null;
  readyHttp?: string | null;
  /** Called once the VMM runs, with its pid (detach records it). */
  onStart?: (pid: number) => void;
  /** The VMM reads unik's stdin (QEMU's -serial stdio: the guest's console input); otherwise /dev/null. */
  interactive?: boolean;
  /** Stop the guest as soon as it is ready (measuring a server's start); the run then counts as clean. */
  stopWhenReady?: boolean;
  /** The VMM's or tender's own stderr (its errors), as it arrives; minus the line it prints when unik stops it. */
  onStderr?: (chunk: string) => void;
  /** Called at the first console byte. */
  onBoot?: (ms: number) => void;
  /** Called when the ready marker is seen. */
  onReady?: (ms: number) => void;
}

/** The VMM or tender command line itself, as a user could run it by hand (`unik run --dry-run`). */
export function vmArgv(spec: BootSpec, accel: Accel): [string, ...string[]] {
  return spec.kind === 'qemu' ? [QEMU, ...qemuArgv(spec, accel)] : [spec.tender, ...spec.args];
}

/** The process actually spawned: the reaper (which ties the VMM's life to ours the same way) or the VMM tied to us. */
export function vmCommand(spec: BootSpec, accel: Accel, reaper: string | null): { file: string; args: string[] } {
  const [file, ...argv] = vmArgv(spec, accel);
  if (reaper) return { file: reaper, args: [file, ...argv] };
  return tiedProcess(file, argv);
}

/** Start the guest, stream its console, measure it, and reap it on exit, timeout or our own SIGINT/SIGTERM. */
export function runVm(spec: BootSpec, opts: VmOptions): Promise<Measured> {
  const { file, args } = vmCommand(spec, opts.accel, opts.reaper);
  return new Promise((resolve, reject) => {
    let bootMs: number | null = null;
    let readyMs: number | null = null;
    let seen = '';
    // Some guests report their exit status only on the console (see ExitMap.consoleCode).
    let stderr = '';
    let timedOut = false;
    let interrupted: string | null = null;
    let stoppedReady = false;
    // hrtime, not performance.now(): the global `performance` loads perf_hooks, a few ms of every run's start.
    const t0 = process.hrtime.bigint();
    // fd 3: the reaper's report (peak RSS), written once the VMM has been reaped.
    const child = spawn(file, args, { stdio: [opts.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe', opts.reaper ? 'pipe' : 'ignore'] });
    let report = '';
    (child.stdio[3] as Readable | null)?.on('data', (c: Buffer) => (report += c.toString('utf8')));
    const since = () => Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;

    const markReady = () => {
      if (readyMs !== null) return;
      readyMs = since();
      opts.onReady?.(readyMs);
      if (opts.stopWhenReady) {
        stoppedReady = true;
        kill();
      }
    };
    const booted = spec.kind === 'qemu' && spec.bootedMarker ? new RegExp(spec.bootedMarker, 'm') : null;
    let kernelBootedMs: number | null = null;
    const keepTail = !!opts.ready || !!booted || !!spec.exit.consoleCode;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (bootMs === null) {
        bootMs = since();
        opts.onBoot?.(bootMs);
      }
      opts.onOutput(chunk);
      if (!keepTail) return;
      // Keep a bounded tail so a long-running guest does not grow this forever.
      seen = (seen + chunk.toString('utf8')).slice(-64 * 1024);
      if (booted && kernelBootedMs === null && booted.test(seen)) kernelBootedMs = since();
      if (opts.ready && readyMs === null && opts.ready.test(seen)) markReady();
    });
    // Once unik has signalled the VMM, QEMU's "terminating on signal 15 from pid …" is unik's own doing: not shown.
    let stoppedByUs = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = stoppedByUs ? chunk.toString('utf8').replace(OWN_SIGNAL, '') : chunk.toString('utf8');
      if (!text) return;
      stderr = (stderr + text).slice(-8 * 1024);
      opts.onStderr?.(text);
    });

    const kill = () => {
      stoppedByUs = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
    };
    const onSignal = (sig: NodeJS.Signals) => {
      interrupted = sig;
      kill();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs)
      : null;
    const poller = opts.readyHttp ? pollHttp(opts.readyHttp, markReady) : null;

    child.on('spawn', () => opts.onStart?.(child.pid!));
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      poller?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    };
    child.on('close', (status, signal) => {
      const exitMs = since();
      cleanup();
      const meaning = interpretExit(spec, status, signal, seen);
      resolve({
        bootMs,
        readyMs,
        ...(booted ? { kernelBootedMs } : {}),
        exitMs,
        peakRssKiB: /^\d+\n$/.test(report) ? Number(report) : null,
        exitCode: stoppedReady ? 0 : timedOut || interrupted ? 1 : meaning.code,
        how: stoppedReady
          ? 'stopped once ready'
          : timedOut
            ? `timed out after ${opts.timeoutMs! / 1000} s`
            : interrupted
              ? `stopped by ${interrupted}`
              : meaning.how,
        timedOut,
        interrupted,
        pid: child.pid ?? -1,
        // A Ctrl-C reaches QEMU too, and its line may arrive before our own handler has run.
        stderrTail: (stoppedByUs ? stderr.replace(OWN_SIGNAL, '') : stderr).trim().split('\n').slice(-5).join('\n'),
      });
    });
  });
}

const OWN_SIGNAL = /^qemu-system-\S+: terminating on signal \d+.*\n?/gm;

/** Poll an HTTP URL until the first 2xx; each attempt is short so a booting guest is seen promptly. */
export function pollHttp(url: string, onOk: () => void): { stop: () => void } {
  let stopped = false;
  // node:http loads only for runs that poll (it costs ~10 ms of start-up otherwise).
  const http = import('node:http');
  const attempt = async () => {
    const { request } = await http;
    if (stopped) return;
    const req = request(url, { timeout: 250, agent: false }, (res) => {
      res.resume();
      if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
        stopped = true;
        onOk();
      } else setTimeout(() => void attempt(), 10);
    });
    req.on('error', () => setTimeout(() => void attempt(), 10));
    req.on('timeout', () => req.destroy());
    req.end();
  };
  void attempt();
  return { stop: () => (stopped = true) };
}

import { spawn } from 'node:child_process';
import type { Accel, BootSpec } from './boot-spec.js';
import { interpretExit } from './exit.js';
import { openQmp } from './qmp.js';
import { qemuArgv } from './qemu-argv.js';
import { QEMU } from './qemu-binary.js';
import { takeEarlyStart } from '../lib/early-start.js';
import { recordChild } from '../lib/recorded-child.js';
import { tiedProcess } from '../lib/tied.js';
import { saveVmState, snapshotArgv, resumeRestored, type VmSnapshot } from './vm-snapshot.js';

export interface Measured {
  /** ms from just before spawn to the first console byte (the reaper's clock where it ran). */
  bootMs: number | null;
  /** ms to the ready marker (manifest regex or first 2xx of --ready-http); null without a marker. */
  readyMs: number | null;
  /** ms to the guest's own "kernel booted" console line (targets that print one); null otherwise. */
  kernelBootedMs?: number | null;
  /** ms to the VMM's exit (the reaper's clock where it ran: when it reaped the VMM). */
  exitMs: number;
  /** Peak resident memory of the VMM or tender process in KiB (the kernel's high-water mark); null without the reaper. */
  peakRssKiB: number | null;
  exitCode: number;
  how: string;
  timedOut: boolean;
  interrupted: string | null;
  pid: number;
  /** The VMM was started by the launcher from this command's plan, before the CLI had loaded (lib/early-start.ts). */
  startedEarly: boolean;
  /** The last lines QEMU printed on stderr (its own errors). */
  stderrTail: string;
  /** A snapshot run: saved once ready (ms the save took, bytes) or restored; error: why the save failed. */
  snapshotStep?: {
    mode: VmSnapshot['mode'];
    ms: number | null;
    bytes: number | null;
    error: string | null;
    /** The save failed because the VMM had exited meanwhile (the guest ended right after ready). */
    vmmGone?: boolean;
  };
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
  /** Save the guest's state once ready, or continue a saved one (ready then means: running again). */
  snapshot?: VmSnapshot;
  /** Aborted: stop the guest (a bench that started many); the run then counts as stopped by its owner. */
  stop?: AbortSignal;
  /**
   * SIGTERM presses the guest's ACPI power button (QMP system_powerdown on the spec's qmp socket) instead of
   * stopping the VMM: the guest shuts down and its exit status stands (unik-runtime's stop). If QMP fails, the
   * VMM is stopped as before; SIGINT and SIGHUP always stop it.
   */
  powerdown?: boolean;
}

/** The VMM or tender command line itself, as a user could run it by hand (`unik run --dry-run`). */
export function vmArgv(spec: BootSpec, accel: Accel, snapshot?: Pick<VmSnapshot, 'mode' | 'qmpSocket' | 'ram'>): [string, ...string[]] {
  return spec.kind === 'qemu' ? [QEMU, ...qemuArgv(spec, accel), ...(snapshot ? snapshotArgv(snapshot, spec.memoryMiB) : [])] : [spec.tender, ...spec.args];
}

/** The process actually spawned: the reaper (which ties the VMM's life to ours the same way) or the VMM tied to us. */
export function vmCommand(spec: BootSpec, accel: Accel, reaper: string | null, snapshot?: VmSnapshot): { file: string; args: string[] } {
  const [file, ...argv] = vmArgv(spec, accel, snapshot);
  if (reaper) return { file: reaper, args: [file, ...argv] };
  return tiedProcess(file, argv);
}

/** The reaper's line on fd 3: peak RSS in KiB, then its CLOCK_MONOTONIC ns of the first console byte (0: none) and of the VMM's end. */
export function parseReport(report: string): { peakRssKiB: number; firstByteNs: bigint | null; endNs: bigint } | null {
  const m = /^(\d+) (\d+) (\d+)\n$/.exec(report);
  return m ? { peakRssKiB: Number(m[1]), firstByteNs: m[2] === '0' ? null : BigInt(m[2]!), endNs: BigInt(m[3]!) } : null;
}

/** Start the guest (or adopt the one the launcher started from this command's plan), stream its console, measure it, and reap it on exit, timeout or our own SIGINT/SIGTERM. */
export function runVm(spec: BootSpec, opts: VmOptions): Promise<Measured> {
  const snap = opts.snapshot;
  const command = vmCommand(spec, opts.accel, opts.reaper, snap);
  // Only a run spawned the way a plan starts one can take the early process (lib/early-start.ts).
  const early = takeEarlyStart(opts.reaper && !opts.interactive && !snap ? command : null);
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
    // fd 3: the reaper's report (peak RSS, console and exit times), written once the VMM has been reaped.
    // fd 4 (STATE_FD): the snapshot's state file, inherited by QEMU.
    const proc =
      early ??
      recordChild(
        spawn(command.file, command.args, { stdio: [opts.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe', opts.reaper ? 'pipe' : 'ignore', ...(snap?.mode === 'restore' ? [snap.fd] : [])] }),
        process.hrtime.bigint(),
      );
    const { child, startedAt: t0 } = proc;
    let step: Measured['snapshotStep'];
    let saving: Promise<void> | null = null;
    let report = '';
    const since = (at = process.hrtime.bigint()) => Math.round(Number(at - t0) / 1e5) / 10;

    const markReady = (at?: bigint) => {
      if (readyMs !== null) return;
      readyMs = since(at);
      opts.onReady?.(readyMs);
      if (snap?.mode === 'save') {
        const t = since();
        saving = saveVmState(snap.qmpSocket, snap.file, snap.keepRam, () => exited).then(
          ({ bytes }) => void (step = { mode: 'save', ms: Math.round((since() - t) * 10) / 10, bytes, error: null }),
          (e: Error) => void (step = { mode: 'save', ms: null, bytes: null, error: e.message, vmmGone: exited }),
        );
      }
      if (opts.stopWhenReady) {
        stoppedReady = true;
        void (saving ?? Promise.resolve()).then(kill);
      }
    };
    const booted = spec.kind === 'qemu' && spec.bootedMarker ? new RegExp(spec.bootedMarker, 'm') : null;
    let kernelBootedMs: number | null = null;
    const keepTail = !!opts.ready || !!booted || !!spec.exit.consoleCode;
    const onConsole = (chunk: Buffer, at: bigint) => {
      if (bootMs === null) {
        bootMs = since(at);
        opts.onBoot?.(bootMs);
      }
      opts.onOutput(chunk);
      if (!keepTail) return;
      // Keep a bounded tail so a long-running guest does not grow this forever.
      seen = (seen + chunk.toString('utf8')).slice(-64 * 1024);
      if (booted && kernelBootedMs === null && booted.test(seen)) kernelBootedMs = since(at);
      if (opts.ready && readyMs === null && opts.ready.test(seen)) markReady(at);
    };
    // Once unik has signalled the VMM, QEMU's "terminating on signal 15 from pid …" is unik's own doing: not shown.
    let stoppedByUs = false;
    const onStderr = (chunk: Buffer) => {
      const text = stoppedByUs ? chunk.toString('utf8').replace(OWN_SIGNAL, '') : chunk.toString('utf8');
      if (!text) return;
      stderr = (stderr + text).slice(-8 * 1024);
      opts.onStderr?.(text);
    };

    const kill = () => {
      stoppedByUs = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
    };
    const stopBy = (sig: NodeJS.Signals) => {
      interrupted = sig;
      kill();
    };
    const onSignal = (sig: NodeJS.Signals) => {
      const qmp = spec.kind === 'qemu' ? spec.qmp : undefined;
      if (sig !== 'SIGTERM' || !opts.powerdown || !qmp) return stopBy(sig);
      void openQmp(qmp, () => exited)
        .then(async (q) => {
          await q.execute('system_powerdown');
          q.close();
        })
        .catch(() => stopBy(sig));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    const onStop = () => {
      stoppedReady = true;
      kill();
    };
    opts.stop?.addEventListener('abort', onStop);
    // Counted from the spawn: an early-started guest has been running while the CLI loaded.
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, Math.max(0, opts.timeoutMs - since()))
      : null;
    const poller = opts.readyHttp ? pollHttp(opts.readyHttp, () => markReady()) : null;
    if (snap?.mode === 'restore') {
      step = { mode: 'restore', ms: null, bytes: null, error: null };
      // The ready marker was printed before the save: a restored guest is ready once it runs (or answers --ready-http).
      void resumeRestored(snap.qmpSocket, () => exited).then(
        () => {
          step!.ms = since();
          if (!poller) markReady();
        },
        () => {},
      );
    }

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      poller?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      opts.stop?.removeEventListener('abort', onStop);
    };
    let exited = false;
    const closed = async (status: number | null, signal: NodeJS.Signals | null, at: bigint) => {
      const closedMs = since(at);
      cleanup();
      await saving;
      const meaning = interpretExit(spec, status, signal, seen);
      const reaped = parseReport(report);
      resolve({
        // The reaper's own clock where it ran: exact even when this event loop saw the console late.
        bootMs: reaped?.firstByteNs ? since(reaped.firstByteNs) : bootMs,
        readyMs,
        ...(booted ? { kernelBootedMs } : {}),
        exitMs: reaped ? since(reaped.endNs) : closedMs,
        peakRssKiB: reaped?.peakRssKiB ?? null,
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
        startedEarly: early !== null,
        // A Ctrl-C reaches QEMU too, and its line may arrive before our own handler has run.
        stderrTail: (stoppedByUs ? stderr.replace(OWN_SIGNAL, '') : stderr).trim().split('\n').slice(-5).join('\n'),
        ...(step ? { snapshotStep: step } : {}),
      });
    };
    proc.attach((e) => {
      switch (e.type) {
        case 'stdout':
          return onConsole(e.data, e.at);
        case 'stderr':
          return onStderr(e.data);
        case 'report':
          report += e.data.toString('utf8');
          return;
        case 'spawn':
          return opts.onStart?.(child.pid!);
        case 'exit':
          exited = true;
          return;
        case 'error':
          cleanup();
          return reject(e.error);
        case 'close':
          return void closed(e.status, e.signal, e.at);
      }
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

import type { Writable } from 'node:stream';
import { usageError } from '../lib/errors.js';
import type { ImageRecord } from '../images/record.js';
import { machineName } from '../machine/boot-spec.js';
import { layout } from '../lib/home.js';
import { readyRegExp } from '../lib/ready-pattern.js';
import { runVm, vmArgv, vmCommand, type Measured } from '../machine/vm-process.js';
import { rememberLaunch } from '../lib/early-start.js';
import { cachedVmmFloor, floorShape, vmmFloor, type VmmFloor } from '../machine/vmm-floor.js';
import { checkHostPorts } from './host-ports.js';
import { launchPlanInputs } from './launch-plan.js';
import { prepareBoot, type BootRequest } from './prepare.js';
import type { SnapshotOutcome } from './snapshot.js';

export interface RunOptions extends BootRequest {
  timeoutMs?: number;
  /** Where the guest console goes; default: collected only (see RunResult.output). */
  console?: Writable;
  stopWhenReady?: boolean;
  /** run -i: the guest's serial console reads unik's stdin. */
  interactive?: boolean;
  onAccelNote?: (note: string) => void;
  onStart?: (pid: number) => void;
  onReady?: (ms: number) => void;
  /** Report the VMM floor for this image's argv shape: the cached one, or measured again. Absent: none. */
  floor?: 'cached' | 'fresh';
  /** Continue the image's snapshot for this boot, or boot and save one once ready (run/snapshot.ts). */
  snapshot?: boolean;
  /** Aborted: the guest is stopped (a density bench ending its instances). */
  stop?: AbortSignal;
  /** --snapshot: called before the VMM starts, with whether it saves or restores. */
  onSnapshot?: (mode: 'save' | 'restore') => void;
  /** Keep what this run starts for the next identical command line to start early (a plain `unik run IMAGE`). */
  rememberLaunch?: boolean;
}

export interface RunResult extends Measured {
  accel: string;
  machine: string;
  /** The console output (bounded to the last 1 MiB). */
  output: string;
  image: ImageRecord;
  /** QEMU booting a guest that exits at once with this argv shape; null for tenders, unless asked, or if it failed. */
  floor: VmmFloor | null;
  /** exitMs over the floor's exitMs; null where the run was not a boot-and-exit (see floorRatio). */
  vsFloor: number | null;
  /** Why there is a floor but no ratio, for the person reading; null otherwise. */
  noRatio: string | null;
  /** --snapshot: what became of the snapshot. */
  snapshot?: SnapshotOutcome;
}

/**
 * A run beyond this many times the floor did work of its own (slept, served, computed): comparing it with a
 * guest that exits at once says nothing about the boot. Apps that exit at once run 0.8–2.5× the floor here.
 */
export const AT_ONCE_FLOOR_MULTIPLE = 5;

/** Pure: exit over the floor, only for a guest that exited by itself about as soon as it booted; or why not. */
export function floorRatio(m: Pick<Measured, 'exitMs' | 'timedOut' | 'interrupted' | 'how'>, floorExitMs: number): { vsFloor: number | null; noRatio: string | null } {
  const ratio = Math.round((m.exitMs / floorExitMs) * 100) / 100;
  if (m.timedOut || m.interrupted || m.how === 'stopped once ready') return { vsFloor: null, noRatio: `no ratio: the guest did not exit by itself (${m.how})` };
  if (ratio > AT_ONCE_FLOOR_MULTIPLE) return { vsFloor: null, noRatio: `no ratio: it ran ${ratio}× the floor's time, so it did more than boot and exit` };
  return { vsFloor: ratio, noRatio: null };
}

/** The exact command `runImage` would start, without starting it. */
export async function dryRun(image: ImageRecord, opts: RunOptions = {}): Promise<{ accel: string; machine: string; argv: string[] }> {
  const { spec, accel, shownAccel, note } = await prepareBoot(image, opts);
  if (note) opts.onAccelNote?.(note);
  return { accel: shownAccel, machine: machineName(spec), argv: vmArgv(spec, accel) };
}

/** Boot an image once, in the foreground, and measure it. */
export async function runImage(image: ImageRecord, opts: RunOptions = {}): Promise<RunResult> {
  const { spec, accel, shownAccel, note, readyHttp, reaper } = await prepareBoot(image, opts);
  await checkHostPorts(spec.devices.net?.ports ?? []);
  if (opts.interactive && spec.kind === 'tender') throw usageError(`-i: a Solo5 ${spec.machine} guest has no console input (its console only writes); run it without -i`);
  if (note) opts.onAccelNote?.(note);
  // Loaded only for --snapshot runs: node:net and node:crypto are not every run's cost.
  const snap = opts.snapshot ? await (await import('./snapshot.js')).snapshotRun(image, spec, accel, readyHttp) : null;
  if (snap) opts.onSnapshot?.(snap.vm.mode);
  let output = '';
  const running = runVm(spec, {
    accel,
    reaper,
    onOutput: (c) => {
      output = (output + c.toString('utf8')).slice(-1024 * 1024);
      opts.console?.write(c);
    },
    ready: image.run.ready ? readyRegExp(image.run.ready, image.name) : null,
    readyHttp,
    stopWhenReady: !!opts.stopWhenReady,
    interactive: !!opts.interactive,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onStart ? { onStart: opts.onStart } : {}),
    ...(opts.onReady ? { onReady: opts.onReady } : {}),
    ...(snap ? { snapshot: snap.vm } : {}),
    ...(opts.stop ? { stop: opts.stop } : {}),
  });
  const shape = opts.floor && spec.kind === 'qemu' ? floorShape(spec, accel) : null;
  // Looked up while the guest runs (it is already spawned), so reading the cache adds nothing to the run.
  const cached = shape && opts.floor === 'cached' ? cachedVmmFloor(layout(), shape) : null;
  const measured = await running.catch((e: unknown) => {
    snap?.abort();
    throw e;
  });
  const snapshot = snap ? await snap.finish(measured) : undefined;
  const planned = opts.rememberLaunch && !measured.startedEarly ? launchPlanInputs(layout(), image, spec, reaper, { interactive: !!opts.interactive, snapshot: !!snap }) : null;
  if (planned) rememberLaunch(vmCommand(spec, accel, reaper), planned);
  // Otherwise the floor is measured (the cache was just read) after the guest ran, so a first run shows its
  // console before the floor's boots.
  const floor = shape ? (cached ?? (await vmmFloor(layout(), shape, { fresh: true }).catch(() => null))) : null;
  const { vsFloor, noRatio } = floor ? floorRatio(measured, floor.exitMs) : { vsFloor: null, noRatio: null };
  return { ...measured, accel: shownAccel, machine: machineName(spec), output, image, floor, vsFloor, noRatio, ...(snapshot ? { snapshot } : {}) };
}

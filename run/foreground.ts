import type { Writable } from 'node:stream';
import type { ImageRecord } from '../images/record.js';
import { machineName } from '../machine/boot-spec.js';
import { layout } from '../lib/home.js';
import { readyRegExp } from '../lib/ready-pattern.js';
import { runVm, vmArgv, type Measured } from '../machine/vm-process.js';
import { cachedVmmFloor, floorShape, vmmFloor, type VmmFloor } from '../machine/vmm-floor.js';
import { prepareBoot, type BootRequest } from './prepare.js';

export interface RunOptions extends BootRequest {
  timeoutMs?: number;
  /** Where the guest console goes; default: collected only (see RunResult.output). */
  console?: Writable;
  stopWhenReady?: boolean;
  onAccelNote?: (note: string) => void;
  onStart?: (pid: number) => void;
  onReady?: (ms: number) => void;
  /** Report the VMM floor for this image's argv shape: the cached one, or measured again. Absent: none. */
  floor?: 'cached' | 'fresh';
}

export interface RunResult extends Measured {
  accel: string;
  machine: string;
  /** The console output (bounded to the last 1 MiB). */
  output: string;
  image: ImageRecord;
  /** QEMU booting a guest that exits at once with this argv shape; null for tenders, unless asked, or if it failed. */
  floor: VmmFloor | null;
  /** exitMs over the floor's exitMs. */
  vsFloor: number | null;
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
  if (note) opts.onAccelNote?.(note);
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
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onStart ? { onStart: opts.onStart } : {}),
    ...(opts.onReady ? { onReady: opts.onReady } : {}),
  });
  const shape = opts.floor && spec.kind === 'qemu' ? floorShape(spec, accel) : null;
  // Looked up while the guest runs (it is already spawned), so reading the cache adds nothing to the run.
  const cached = shape && opts.floor === 'cached' ? cachedVmmFloor(layout(), shape) : null;
  const measured = await running;
  // Otherwise the floor is measured (the cache was just read) after the guest ran, so a first run shows its
  // console before the floor's boots.
  const floor = shape ? (cached ?? (await vmmFloor(layout(), shape, { fresh: true }).catch(() => null))) : null;
  const vsFloor = floor ? Math.round((measured.exitMs / floor.exitMs) * 100) / 100 : null;
  return { ...measured, accel: shownAccel, machine: machineName(spec), output, image, floor, vsFloor };
}

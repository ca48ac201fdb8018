import type { Writable } from 'node:stream';
import { failure } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import { targetFor } from '../targets/registry.js';
import { resolveAccel, type AccelChoice } from '../machine/accel.js';
import { machineName, type BootSpec } from '../machine/boot-spec.js';
import type { ImageRecord } from '../images/record.js';
import { probeKvm } from '../machine/kvm-probe.js';
import { devicesForRun, type RunOverrides } from './run-devices.js';
import { runVm, vmArgv, type Measured } from '../machine/vm-process.js';

export interface RunOptions {
  accel?: AccelChoice;
  memoryMiB?: number;
  timeoutMs?: number;
  /** Where the guest console goes; default: collected only (see RunResult.output). */
  console?: Writable;
  readyHttp?: string | null;
  stopWhenReady?: boolean;
  overrides?: RunOverrides;
  /** App arguments; default: the manifest's cmdline. */
  args?: string[];
  onAccelNote?: (note: string) => void;
  onStart?: (pid: number) => void;
  onReady?: (ms: number) => void;
}

export interface RunResult extends Measured {
  accel: string;
  machine: string;
  /** The console output (bounded to the last 1 MiB). */
  output: string;
  image: ImageRecord;
}

/** Decide everything about one boot, without starting it: devices, kernel command line, machine. */
export async function bootSpecFor(image: ImageRecord, o: Pick<RunOptions, 'overrides' | 'args' | 'memoryMiB'>): Promise<BootSpec> {
  const devices = devicesForRun(image, o.overrides ?? {});
  const target = await targetFor(image.target);
  const spec = target.boot(image, devices, o.args ?? image.run.cmdline);
  return o.memoryMiB ? { ...spec, memoryMiB: o.memoryMiB } : spec;
}

/** The exact command `runImage` would start, without starting it. */
export async function dryRun(image: ImageRecord, opts: RunOptions = {}): Promise<{ accel: string; machine: string; argv: string[] }> {
  const spec = await bootSpecFor(image, opts);
  const { accel, note } = await resolveAccel(layout(), opts.accel ?? 'auto');
  if (note) opts.onAccelNote?.(note);
  return { accel, machine: machineName(spec), argv: vmArgv(spec, accel) };
}

/** Boot an image once, in the foreground, and measure it. */
export async function runImage(image: ImageRecord, opts: RunOptions = {}): Promise<RunResult> {
  const spec = await bootSpecFor(image, opts);
  // Only QEMU takes an accelerator; a tender runs the image itself, under KVM (hvt) or as a process (spt).
  if (spec.kind === 'tender' && spec.needsKvm) {
    const kvm = await probeKvm(layout());
    if (!kvm.usable) throw failure(`${spec.machine} needs usable KVM, and it is not usable here: ${kvm.reason}; rebuild or run with another --platform`);
  }
  const { accel, note } = spec.kind === 'qemu' ? await resolveAccel(layout(), opts.accel ?? 'auto') : { accel: 'tcg' as const, note: null };
  if (note) opts.onAccelNote?.(note);
  let output = '';
  const measured = await runVm(spec, {
    accel,
    onOutput: (c) => {
      output = (output + c.toString('utf8')).slice(-1024 * 1024);
      opts.console?.write(c);
    },
    ready: image.run.ready ? new RegExp(image.run.ready) : null,
    readyHttp: opts.readyHttp ?? null,
    stopWhenReady: !!opts.stopWhenReady,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onStart ? { onStart: opts.onStart } : {}),
    ...(opts.onReady ? { onReady: opts.onReady } : {}),
  });
  return { ...measured, accel: spec.kind === 'qemu' ? accel : 'none', machine: machineName(spec), output, image };
}

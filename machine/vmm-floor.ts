import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import { failure } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import { median } from '../lib/stats.js';
import type { Accel, QemuBootSpec, QemuMachine } from './boot-spec.js';
import { hostHelper } from './host-helper.js';
import { probeGuest } from './probe-guest.js';
import { PROBE_EXIT_PORT, probeSpec } from './probe-spec.js';
import { qemuBinaryStamp } from './qemu-binary.js';
import { runVm, type Measured } from './vm-process.js';

/** What the floor depends on: the image's machine type, accelerator, memory and CPU (the argv shape). */
export interface FloorShape {
  machine: QemuMachine['type'];
  accel: Accel;
  memoryMiB: number;
  /** The image's CPU has no local APIC (console-only guests on microvm): so has the floor's. */
  noApic?: boolean;
  /** The image's pc has no ACPI PCI hotplug (OSv): nor has the floor's. */
  noPciHotplug?: boolean;
  /** The image's pc has no ACPI (a patched OSv): nor has the floor's, whose SeaBIOS then builds no tables. */
  noAcpi?: boolean;
}

/** The image's machine options the floor copies: each changes what QEMU itself does at start. */
const MACHINE_OPTIONS = ['noApic', 'noPciHotplug', 'noAcpi'] as const;
const optionsOf = (o: Partial<Record<(typeof MACHINE_OPTIONS)[number], boolean>>) => Object.fromEntries(MACHINE_OPTIONS.filter((k) => o[k]).map((k) => [k, true]));

/** The VMM floor: QEMU booting a guest that exits at once, with an image's argv shape. Medians over `runs`. */
export interface VmmFloor extends FloorShape {
  exitMs: number;
  firstOutputMs: number;
  peakRssKiB: number | null;
  runs: number;
  qemuBinary: string;
  measuredAt: string;
}

export const FLOOR_RUNS = 5;
const FLOOR_TIMEOUT_MS = 10_000;

/** Pure: the argv shape of an image's boot spec under an accelerator (machine type, memory, machine options). */
export const floorShape = (spec: QemuBootSpec, accel: Accel): FloorShape => ({
  machine: spec.machine.type,
  accel,
  memoryMiB: spec.memoryMiB,
  ...optionsOf(spec.machine),
});

/**
 * Pure: the probe guest (5 KB, prints one line and exits through isa-debug-exit) with the image's machine type,
 * accelerator, memory and CPU, so everything QEMU does before and after the guest's own work is in the figure.
 */
export const floorSpec = (guest: string, shape: FloorShape): QemuBootSpec => ({
  ...probeSpec(guest),
  memoryMiB: shape.memoryMiB,
  machine: { type: shape.machine, debugExit: { iobase: PROBE_EXIT_PORT, iosize: 4 }, ...optionsOf(shape) },
});

/** Pure: the cache key of a floor: every option it copies is in it (noPciHotplug → /no-pci-hotplug). */
export const floorKey = (s: FloorShape): string =>
  [`${s.machine}/${s.accel}/${s.memoryMiB}M`, ...MACHINE_OPTIONS.filter((k) => s[k]).map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))].join('/');

/** One boot of the floor guest, spawned and timed exactly as an image is (runVm, through the reaper). */
export async function floorRun(l: Layout, shape: FloorShape): Promise<Measured> {
  const [guest, reaper] = await Promise.all([probeGuest(l), hostHelper(l, 'reap')]);
  const m = await runVm(floorSpec(guest, shape), { accel: shape.accel, reaper, onOutput: () => {}, timeoutMs: FLOOR_TIMEOUT_MS });
  if (m.exitCode !== 0 || m.bootMs === null) throw failure(`the VMM floor guest did not run on -M ${shape.machine} -accel ${shape.accel}: ${m.how}`, m.stderrTail || undefined);
  return m;
}

/** v2: times on the reaper's clock (exit when reaped, not when this process saw the pipes close), as runs have them. */
const floorCache = (l: Layout) => join(l.probes, 'vmm-floor.v2.json');

/** The floor for this shape as cached for this QEMU binary; null where none is (or the cache cannot be read). */
export function cachedVmmFloor(l: Layout, shape: FloorShape): VmmFloor | null {
  const cachePath = floorCache(l);
  try {
    const hit = existsSync(cachePath) ? (JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, VmmFloor>)[floorKey(shape)] : undefined;
    return hit?.qemuBinary === qemuBinaryStamp() ? hit : null;
  } catch {
    return null;
  }
}

/**
 * The floor for this shape: measured FLOOR_RUNS times and cached in probes/vmm-floor.v2.json per machine type,
 * accelerator, memory and QEMU binary (like the KVM probe); `fresh` measures again.
 */
export async function vmmFloor(l: Layout, shape: FloorShape, opts: { fresh?: boolean } = {}): Promise<VmmFloor> {
  const hit = opts.fresh ? null : cachedVmmFloor(l, shape);
  if (hit) return hit;
  const cachePath = floorCache(l);
  const qemuBinary = qemuBinaryStamp();
  const runs: Measured[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) runs.push(await floorRun(l, shape));
  const rss = runs.flatMap((r) => (r.peakRssKiB === null ? [] : [r.peakRssKiB]));
  const floor: VmmFloor = {
    ...shape,
    exitMs: median(runs.map((r) => r.exitMs)),
    firstOutputMs: median(runs.map((r) => r.bootMs!)),
    peakRssKiB: rss.length ? median(rss) : null,
    runs: FLOOR_RUNS,
    qemuBinary,
    measuredAt: new Date().toISOString(),
  };
  // Re-read: another run may have cached another shape meanwhile.
  const latest: Record<string, VmmFloor> = existsSync(cachePath) ? JSON.parse(readFileSync(cachePath, 'utf8')) : {};
  await writeJsonAtomic(cachePath, { ...latest, [floorKey(shape)]: floor });
  return floor;
}

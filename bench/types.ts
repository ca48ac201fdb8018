import type { ImageRecord } from '../images/record.js';
import type { ProgressSink } from '../lib/progress.js';
import type { Sample } from './containers/timed-run.js';
import type { Summary } from '../lib/stats.js';
import type { Platform } from '../manifest/manifest.js';

export type { Summary };

/* The shapes a bench passes around: its options, one timed run, a thing that can be run, and the end result. */

export type RuntimeName = 'unikernel' | 'runc' | 'crun' | 'podman' | 'docker' | typeof UNIK_RUNTIME_ROW;
/** `podman run --rm` of the unikernel's own image under unik-runtime: only when --runtimes names it. */
export const UNIK_RUNTIME_ROW = 'unik-runtime';
export const RUNTIME_NAMES: readonly RuntimeName[] = ['unikernel', 'runc', 'crun', 'podman', 'docker', UNIK_RUNTIME_ROW];

/** The VMM floor's row: QEMU with the unikernel's argv shape booting a guest that exits at once. */
export const FLOOR_ROW = 'vmm-floor';
/** `unik bench --snapshot`: the unikernel continued from its snapshot taken once ready, instead of booted. */
export const RESTORED_ROW = 'unikernel-restored';
export type ContenderName = RuntimeName | typeof FLOOR_ROW | typeof RESTORED_ROW;

/** A runtime ready to be timed: the unikernel under QEMU, the twin under one container runtime, or the VMM floor. */
export interface Contender {
  name: ContenderName;
  kind: 'unikernel' | 'container' | 'floor';
  /** Bytes of what this runtime boots: kernel image, rootfs or imported container image. */
  imageBytes: number;
  /** What this runtime needed on this host, in plain words (workarounds, private daemons, accelerator). */
  notes: string[];
  runOnce(): Promise<Sample>;
}


export interface RuntimeResult {
  kind: Contender['kind'];
  runtime: ContenderName;
  firstOutputMs: Summary;
  exitMs: Summary;
  /** A server's time to its first HTTP 2xx (see BenchResult.server); null for an app timed to its exit. */
  readyMs: Summary | null;
  /** Null when no run could measure it (no reaper, no memory cgroup). */
  peakMemoryKiB: Summary | null;
  imageBytes: number;
  /** Median of this runtime over the unikernel's median; null when the unikernel was not benched. */
  vsUnikernel: { firstOutput: number; exit: number; ready?: number } | null;
  /** Exit (a server: first 2xx) median over the VMM floor's exit; null without a floor (a tender, or no unikernel). */
  vsFloor: { exit: number } | null;
  /** What the first measured run printed (the unikernel's whole console). */
  output: string;
}

export interface Skipped {
  runtime: ContenderName;
  reason: string;
}

/** What the attack-surface line compares: code compiled into the unikernel vs what the container ships. */
export interface Footprint {
  unikernel: { imageBytes: number; drivers: string[]; libraries: string[] };
  container: { rootfsBytes: number; files: number; executables: number } | null;
}

/** How the unikernel ran: the chart and table name it, so nobody reads a TCG figure as a KVM one. */
export interface VmmShape {
  /** QEMU machine type, or the Solo5 tender (spt, hvt). */
  machine: string;
  /** kvm | tcg; none for a tender. */
  accel: string;
  memoryMiB: number;
}

export interface BenchResult {
  app: string;
  runs: number;
  warmup: number;
  /** The unikernel's VMM; null when it was not benched. */
  vmm: VmmShape | null;
  /** A server's bench: every runtime timed to the first HTTP 2xx from this URL, then stopped; null: to the exit. */
  server: string | null;
  results: RuntimeResult[];
  skipped: Skipped[];
  footprint: Footprint;
  notes: string[];
  /** What could not be removed afterwards (normally empty); the CLI exits 1 after the report when not. */
  cleanupErrors: string[];
}

export interface BenchOptions {
  dir: string;
  /** A stored image (or pulled REF) to bench instead of building `dir`; its twin needs its app directory here. */
  image?: ImageRecord;
  /** --platform: overrides the manifest's (validated by the build, like unik build --platform). */
  platform: Platform | null;
  runs: number;
  warmup: number;
  /** The runtimes the user named, in order; null = every one found. */
  runtimes: RuntimeName[] | null;
  progress?: ProgressSink;
  /** Aborted on Ctrl-C: the current run is killed, then everything is cleaned up. */
  signal?: AbortSignal;
  /** --snapshot: a row for the unikernel restored from its snapshot (saved once before the rounds). */
  snapshot?: boolean;
}

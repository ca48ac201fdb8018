import type { ImageRecord } from '../images/record.js';
import type { ProgressSink } from '../lib/progress.js';
import type { Sample } from './containers/timed-run.js';

/* The shapes a bench passes around: its options, one timed run, a thing that can be run, and the end result. */

export type RuntimeName = 'unikernel' | 'runc' | 'crun' | 'podman' | 'docker';
export const RUNTIME_NAMES: readonly RuntimeName[] = ['unikernel', 'runc', 'crun', 'podman', 'docker'];

/** A runtime ready to be timed: the unikernel under QEMU or the twin under one container runtime. */
export interface Contender {
  name: RuntimeName;
  kind: 'unikernel' | 'container';
  /** Bytes of what this runtime boots: kernel image, rootfs or imported container image. */
  imageBytes: number;
  /** What this runtime needed on this host, in plain words (workarounds, private daemons, accelerator). */
  notes: string[];
  runOnce(): Promise<Sample>;
}

export interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
}

export interface RuntimeResult {
  kind: Contender['kind'];
  runtime: RuntimeName;
  firstOutputMs: Summary;
  exitMs: Summary;
  imageBytes: number;
  /** Median of this runtime over the unikernel's median; null when the unikernel was not benched. */
  vsUnikernel: { firstOutput: number; exit: number } | null;
  /** What the first measured run printed (the unikernel's whole console). */
  output: string;
}

export interface Skipped {
  runtime: RuntimeName;
  reason: string;
}

/** What the attack-surface line compares: code compiled into the unikernel vs what the container ships. */
export interface Footprint {
  unikernel: { imageBytes: number; drivers: string[]; libraries: string[] };
  container: { rootfsBytes: number; files: number; executables: number } | null;
}

export interface BenchResult {
  app: string;
  runs: number;
  warmup: number;
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
  runs: number;
  warmup: number;
  /** The runtimes the user named, in order; null = every one found. */
  runtimes: RuntimeName[] | null;
  progress?: ProgressSink;
  /** Aborted on Ctrl-C: the current run is killed, then everything is cleaned up. */
  signal?: AbortSignal;
}

import type { Sample } from './timed-run.js';
import type { HostFacts } from './host.js';
import type { MemoryPeak } from '../../lib/memory-cgroup.js';
import type { Twin } from './twin.js';
import type { PortMapping } from '../../manifest/manifest.js';

/** A server's bench: the twin publishes the unikernel's ports on 127.0.0.1 and is timed to the URL's first 2xx. */
export interface ServerRun {
  ports: PortMapping[];
  url: string;
}

/** Pure: `-p 127.0.0.1:HOST:GUEST/PROTO` for each port, as podman and docker take them. */
export const publishArgv = (ports: PortMapping[]): string[] => ports.flatMap((p) => ['-p', `127.0.0.1:${p.host}:${p.guest}/${p.protocol}`]);

export type ContainerRuntimeName = 'runc' | 'crun' | 'podman' | 'docker';

export type Probe = { ok: true } | { ok: false; reason: string };

export interface RuntimeContext {
  /** This bench's scratch directory under UNIK_HOME; each runtime keeps its private state below it. */
  dir: string;
  /** Unique per bench: container and image names carry it, so cleanup removes exactly what this bench made. */
  tag: string;
  host: HostFacts;
  /** The user named this runtime in --runtimes, so unik may start what it needs (a private docker daemon). */
  requested: boolean;
  /** Per run. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The parent memory cgroup every container runs below, read for its peak; null where there is none. */
  memory: MemoryPeak | null;
}

/** One container runtime, driven through its CLI. Created per bench; holds that bench's state. */
export interface Runtime {
  name: ContainerRuntimeName;
  /** Whether it can run here; the reason in plain words when not. Starts nothing. */
  probe(): Promise<Probe>;
  /** Put the twin where this runtime runs it; returns the bytes of what it runs (rootfs or image). */
  prepare(twin: Twin): Promise<number>;
  /** One timed run: to the exit, or for a server to its first HTTP 2xx (then stopped). */
  runOnce(server?: ServerRun): Promise<Sample>;
  /** Why it cannot publish a port here, so a server's bench skips it; null when it can. Asked after prepare. */
  noPorts(): string | null;
  /** What this runtime needed on this host (workarounds, a private daemon), in plain words. */
  /** `server`: whether this bench times a server (its ports published), which some notes are only about. */
  notes(server: boolean): string[];
  /** Remove every container, image, daemon and directory this runtime created. Safe after any failure. */
  cleanup(): Promise<void>;
}

/** A probe result for a missing binary, with the Debian package that provides it. */
export const notInstalled = (binary: string, pkg: string): Probe => ({
  ok: false,
  reason: `${binary} not found on PATH (Debian/Ubuntu: apt install ${pkg})`,
});

import type { BootSpec } from '../machine/boot-spec.js';
import type { Check } from '../lib/check.js';
import type { Layout } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import type { Devices } from '../manifest/devices.js';
import type { Manifest, Platform, TargetName } from '../manifest/manifest.js';
import type { ResolvedSource, SourceName } from '../sources/cache.js';
import type { StepRunner } from '../lib/steps.js';
import type { ContentLayout, Contents } from '../programs/contents.js';

/**
 * What a framework needs compiled in for a set of devices. `settings` are the framework's own knobs
 * (Kconfig symbols for Unikraft, conf_drivers_* for OSv, config.ml devices for MirageOS);
 * `requires` names the extra sources the build needs (e.g. lib-lwip for a network stack).
 */
export interface DriverSet {
  settings: Record<string, string>;
  requires: SourceName[];
}

/** A reviewed patch file (kept in the repo) that a target applies to its build copy of a source, never to the cache. */
export interface SourcePatch {
  source: SourceName;
  /** File name, e.g. 0001-tsc-frequency-from-fw-cfg.patch. */
  file: string;
  path: string;
  sha256: string;
}

/** A file the adapter generates into the build's work directory. */
export interface GeneratedFile {
  path: string;
  content: string;
}

export interface BuildContext {
  manifest: Manifest;
  devices: Devices;
  platform: Platform;
  drivers: DriverSet;
  /** Source name → checked-out directory, for every source the target and drivers require. */
  sources: Record<string, ResolvedSource>;
  /** Persistent per-app directory: incremental rebuilds reuse its objects. */
  workDir: string;
  /** Target.patches(): what the build applies to its copy of the sources (and what the cache key already holds). */
  patches: SourcePatch[];
  run: StepRunner;
  /** A `program` and/or `files`: what goes into the image besides the app's build (collected by images/). */
  contents: Contents | null;
}

/** What a build produced, before it enters the image store. */
export interface BuiltKernel {
  kernelPath: string;
  /** Further files the image needs at boot (role → path), e.g. an OSv usr.img disk. */
  files: Record<string, string>;
  /** Drivers actually compiled in, read back from the build's final configuration. */
  drivers: string[];
  /** Libraries compiled in (for the attack-surface view). */
  libraries: string[];
  /** Framework version string worth showing (e.g. "0.16.3"). */
  version?: string;
  /** Build choices the boot must follow (OSv's root filesystem): stored with the image, handed back in BootInput. */
  bootSettings?: Record<string, string>;
  /** The patches really applied (none for a modified checkout, which is built as it is). */
  patches?: SourcePatch[];
}

/**
 * What a target needs to boot a built image: no more. The image record lives above the targets; adapters see
 * only this, so the record can change without touching them.
 */
export interface BootInput {
  name: string;
  platform: Platform;
  kernel: string;
  /** Role → path of the files stored with the kernel (OSv's disk, a Solo5 tender). */
  files: Record<string, string>;
  /** The memory of this run: the image's default or the run's --memory, decided before boot() is called. */
  memoryMiB: number;
  bootSettings: Record<string, string>;
  /** The app's environment (unik.yaml `env`), for targets that pass it on the kernel command line. */
  env?: Record<string, string>;
  /** The host's TSC frequency (machine/host-tsc.ts), for kernels that read it instead of calibrating; null if unknown. */
  hostTscKhz: number | null;
  /**
   * The caller stops the guest with an ACPI power button (unik-runtime's stop): a target whose guest has one boots
   * with it, whatever that costs the boot; the others ignore this.
   */
  powerButton?: boolean;
}

/** One framework behind one small interface. Pure where it can be; build() is the only effectful step. */
export interface Target {
  name: TargetName;
  platforms: readonly Platform[];
  /** Sources every build needs, whatever the devices. */
  baseSources: readonly SourceName[];
  /** Guest memory when the manifest names none. */
  defaultMemoryMiB(devices: Devices): number;
  /** `manifest` carries build choices beyond devices (OSv's root filesystem). */
  drivers(devices: Devices, platform: Platform, manifest: Manifest): DriverSet;
  render(manifest: Manifest, drivers: DriverSet): GeneratedFile[];
  build(ctx: BuildContext): Promise<BuiltKernel>;
  /** The platform when neither the manifest nor --platform names one. */
  defaultPlatform(devices: Devices): Platform;
  /**
   * What shapes the image from outside unik's sources cache (toolchain versions, seeded libraries' revisions):
   * part of the cache key, so a toolchain upgrade rebuilds instead of reusing a stale image.
   */
  fingerprint?(devices: Devices, platform: Platform, manifest: Manifest): Promise<Record<string, string>>;
  /**
   * For `program` and `files`: where the program and its libraries go in the guest and which libraries the
   * kernel supplies itself. Absent: the target takes neither.
   */
  contentLayout?(manifest: Manifest, sources: Record<string, ResolvedSource>): ContentLayout;
  /** Patches the build applies to its copy of the sources (per manifest: Unikraft's elfloader kernels get more): hashed into the cache key, listed in the image record. */
  patches?(manifest: Manifest): SourcePatch[];
  /** Pure: what the runner must start for this image with these devices and app arguments. */
  boot(input: BootInput, devices: Devices, args: string[]): BootSpec;
  /** `unik doctor`'s lines for this target: its tools, sources and toolchain. */
  checks(l: Layout): Promise<Check[]>;
  /**
   * The bench's container twin when the target has its own way to make one (MirageOS: the unix target); a
   * static Linux executable of the app at the returned path. Without it, the twin is the app's C compiled by gcc.
   */
  twin?(manifest: Manifest, opts: { progress?: ProgressSink }): Promise<string>;
}

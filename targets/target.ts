import type { BootSpec } from '../machine/boot-spec.js';
import type { ImageRecord } from '../images/record.js';
import type { Devices } from '../manifest/devices.js';
import type { Manifest, Platform, TargetName } from '../manifest/manifest.js';
import type { ResolvedSource, SourceName } from '../sources/cache.js';
import type { StepRunner } from '../lib/steps.js';

/**
 * What a framework needs compiled in for a set of devices. `settings` are the framework's own knobs
 * (Kconfig symbols for Unikraft, conf_drivers_* for OSv, config.ml devices for MirageOS);
 * `requires` names the extra sources the build needs (e.g. lib-lwip for a network stack).
 */
export interface DriverSet {
  settings: Record<string, string>;
  requires: SourceName[];
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
  run: StepRunner;
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
  /** The platform when neither the manifest nor --platform names one; default: platforms[0]. */
  defaultPlatform?(devices: Devices): Platform;
  /**
   * What shapes the image from outside unik's sources cache (toolchain versions, seeded libraries' revisions):
   * part of the cache key, so a toolchain upgrade rebuilds instead of reusing a stale image.
   */
  fingerprint?(devices: Devices, platform: Platform): Promise<Record<string, string>>;
  /** Pure: what the runner must start for this image with these devices and app arguments. */
  boot(image: ImageRecord, devices: Devices, args: string[]): BootSpec;
}

import type { Devices } from '../manifest/devices.js';
import type { Platform, TargetName } from '../manifest/manifest.js';
import type { ContentFile } from '../programs/contents.js';

export interface SourceRevision {
  name: string;
  ref: string;
  commit: string;
  dirty: boolean;
}

/** A patch unik applied to its build copy of a source (the file lives in unik's repo under the target). */
export interface AppliedPatch {
  source: string;
  file: string;
  sha256: string;
}

/** What a run needs besides the kernel: decided at build time so build and run cannot disagree. */
export interface RunConfig {
  devices: Devices;
  cmdline: string[];
  memoryMiB: number;
  ready: string | null;
  /** unik.yaml `env` (absent when empty, and in records from before it existed). */
  env?: Record<string, string>;
}

/** One built image in the store. The JSON form is unik's CLI contract (`unik images --json`). */
export interface ImageRecord {
  id: string;
  name: string;
  target: TargetName;
  platform: Platform;
  /** The kernel image file. */
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Other files the image boots with (role → path), e.g. OSv's usr.img. */
  files: Record<string, string>;
  /** sha256 of each of `files` (role → hex), checked like the kernel's before every use. */
  filesSha256: Record<string, string>;
  drivers: string[];
  libraries: string[];
  buildSeconds: number;
  sources: SourceRevision[];
  /** unik's patches in the kernel (e.g. Unikraft's TSC frequency from the host); empty for a modified checkout. */
  patches: AppliedPatch[];
  frameworkVersion: string | null;
  createdAt: string;
  appDir: string;
  cacheKey: string;
  run: RunConfig;
  /** Build choices the boot follows (Target BuiltKernel.bootSettings), e.g. OSv's root filesystem. */
  bootSettings: Record<string, string>;
  /** A program image's files besides the kernel's own (program, libraries, `files`): the audit `unik inspect` shows. */
  contents?: ContentFile[];
  /**
   * Set for an image that came from a registry or an archive (the OCI manifest digest it came as). Such an image
   * is never a cache hit for a build and never replaces a local one; its cacheKey is empty.
   */
  pulled?: { digest: string };
  /** What shaped it from outside the sources cache (Target.fingerprint: MirageOS's toolchain install record). */
  toolchain?: Record<string, string>;
}

/** The parsed, validated form of unik.yaml. Paths here are absolute; the YAML holds them relative to appDir. */
export type TargetName = 'unikraft' | 'mirage' | 'osv';

export type Platform = 'qemu/x86_64' | 'spt' | 'virtio' | 'hvt';

/**
 * Where each target's images run: the one list. The manifest checks against it, each adapter takes its own
 * entry, and a test holds the schema's enums to it. Which one is the default is the adapter's decision.
 */
export const PLATFORMS = {
  unikraft: ['qemu/x86_64'],
  mirage: ['spt', 'virtio', 'hvt'],
  osv: ['qemu/x86_64'],
} as const satisfies Record<TargetName, readonly Platform[]>;

export interface PortMapping {
  host: number;
  guest: number;
  protocol: 'tcp' | 'udp';
}

export interface BlockDecl {
  name: string;
  /** Absolute host path of the disk image. */
  file: string;
}

export interface ShareDecl {
  /** Absolute host directory. */
  source: string;
  /** Absolute path inside the guest. */
  dest: string;
}

/** What unik.yaml declares, before devices are decided. */
export interface DeviceDecl {
  net?: { ports: PortMapping[] };
  block: BlockDecl[];
  share: ShareDecl[];
}

/** An existing executable that becomes the app (`program:`), instead of sources. */
export interface ProgramDecl {
  /** Its real path on the host (every symlink resolved). */
  path: string;
  /** As unik.yaml names it: an absolute host path is the user's explicit choice; a relative one stays in the app. */
  given: string;
}

/** One `files:` entry: a host file, or a directory copied whole, at a guest path. */
export interface FileDecl {
  /** Normalised absolute guest path. */
  guest: string;
  /** Real path on the host. */
  host: string;
  dir: boolean;
  /** Named by an absolute host path (a host tree the user chose), not a path inside the app directory. */
  fromHost: boolean;
}

export interface Manifest {
  name: string;
  target: TargetName;
  platform?: Platform;
  /** Absolute paths of the app's source files (empty for a `program`). */
  sources: string[];
  program?: ProgramDecl;
  files: FileDecl[];
  /** Environment of the app, name → value. */
  env: Record<string, string>;
  /** `fork: unused`: the program imports fork/exec/daemon functions, but as configured never calls them. */
  forkUnused: boolean;
  /** `unresolved`: functions the kernel lacks that the program never calls (OSv binds them lazily). */
  unresolved: string[];
  cmdline: string[];
  memoryMiB?: number;
  fs?: 'rofs' | 'ramfs';
  ready?: string;
  /** OCaml packages beyond what the devices bring (MirageOS only). */
  packages: string[];
  /** Local OCaml libraries, each a directory of the app of that name; their files are among `sources` (MirageOS only). */
  libraries: string[];
  /** Unikraft only: musl instead of nolibc (C++ sources imply it). */
  libc?: 'musl' | 'nolibc';
  devices: DeviceDecl;
  appDir: string;
  manifestPath: string;
}

/** Raw shape of unik.yaml as the schema describes it (before paths are resolved). */
export interface RawManifest {
  name: string;
  target: TargetName;
  platform?: Platform;
  sources?: string[];
  program?: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  fork?: 'unused';
  unresolved?: string[];
  cmdline?: string[];
  memory?: string;
  fs?: 'rofs' | 'ramfs';
  ready?: string;
  packages?: string[];
  libraries?: string[];
  libc?: 'musl' | 'nolibc';
  devices?: {
    net?: { ports?: string[] };
    block?: { name: string; file: string }[];
    share?: { source: string; dest: string }[];
  };
}

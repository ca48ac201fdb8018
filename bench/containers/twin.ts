import { promises as fsp } from 'node:fs';
import { extname, join } from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import { runStep } from '../../lib/steps.js';
import { ociSpec } from './oci-spec.js';
import { programRootfs } from './program-twin.js';

/** The app as a container: one static executable in an otherwise empty rootfs, as a bundle and a tarball. */
export interface Twin {
  /** OCI bundle (config.json + rootfs/) for runc and crun. */
  bundle: string;
  /** The rootfs as a tar, for `podman import` / `docker import`. */
  tarball: string;
  /** What the container runs: the executable and the unikernel's own command-line arguments. */
  argv: string[];
  /** The app's environment (unik.yaml `env`) as NAME=value. */
  env: string[];
  rootfs: RootfsStats;
}

/** Pure: the twin's environment as podman/docker run flags. */
export const envArgv = (env: string[]): string[] => env.flatMap((e) => ['-e', e]);

export interface RootfsStats {
  bytes: number;
  files: number;
  executables: number;
}

export const TWIN_EXECUTABLE = '/app';

/** Pure: the C sources of the app, which the twin compiles for Linux; null when there are none. */
export function twinSources(manifest: Pick<Manifest, 'sources'>): string[] | null {
  const c = manifest.sources.filter((s) => extname(s) === '.c');
  return c.length ? c : null;
}

/**
 * Pure: why no twin can be built for this app, or null. A target with its own twin (Target.twin: MirageOS builds
 * the same app for its unix target) always has one; every other app's twin is its C sources compiled for Linux.
 */
export function noTwinReason(manifest: Pick<Manifest, 'sources' | 'name' | 'program'>, gcc: string | null, targetTwin: boolean): string | null {
  if (targetTwin || manifest.program) return null;
  if (!twinSources(manifest)) return `${manifest.name} has no C sources, and the container twin is compiled from them`;
  return gcc ? null : 'gcc not found: the container twin is the app compiled with gcc -static (apt install gcc libc6-dev)';
}

/**
 * Pure: the compiler argv. Static, so the rootfs needs nothing else; -O2 like any release build; stripped,
 * because the unikernel image is stripped too and the footprint comparison should be like for like.
 */
export const gccArgv = (sources: string[], appDir: string, out: string): string[] => [
  '-static',
  '-O2',
  '-s',
  `-I${appDir}`,
  '-o',
  out,
  ...sources,
];

/** Build the twin under `dir` (which the bench removes afterwards); `targetTwin` builds it the target's own way. */
export async function buildTwin(opts: { gcc: string | null; manifest: Manifest; cmdline: string[]; dir: string; cgroupsPath: string | null; targetTwin?: () => Promise<string> }): Promise<Twin> {
  const bundle = join(opts.dir, 'bundle');
  const rootfs = join(bundle, 'rootfs');
  await fsp.mkdir(rootfs, { recursive: true });
  // A program keeps its path in the unikernel (/<name>), so argv[0] and the files around it are the same.
  const executable = opts.manifest.program ? `/${opts.manifest.name}` : TWIN_EXECUTABLE;
  const exe = join(rootfs, executable);
  if (opts.manifest.program || opts.manifest.files.length) {
    // A program and its files: the same binary, its libraries (libc included) and its interpreter.
    await programRootfs(opts.manifest, rootfs, executable);
  }
  // A world-writable /tmp, as on any Linux root: runc/crun mount a tmpfs on it (their root is read-only).
  await fsp.mkdir(join(rootfs, 'tmp'), { recursive: true });
  await fsp.chmod(join(rootfs, 'tmp'), 0o1777);
  // The other mount points, made here: twins started at once on this rootfs (--density) raced to make them
  // (crun: "cannot mkdir `proc`: File exists").
  for (const d of ['proc', 'dev', 'sys']) await fsp.mkdir(join(rootfs, d), { recursive: true });
  if (opts.targetTwin) {
    await fsp.copyFile(await opts.targetTwin(), exe);
  } else if (!opts.manifest.program) {
    const sources = twinSources(opts.manifest);
    if (!sources || !opts.gcc) throw failure(noTwinReason(opts.manifest, opts.gcc, false) ?? 'no container twin can be built');
    await runStep('compiling the twin (gcc -static)', opts.gcc, gccArgv(sources, opts.manifest.appDir, exe));
  }
  const argv = [executable, ...opts.cmdline];
  const env = Object.entries(opts.manifest.env).map(([k, v]) => `${k}=${v}`);
  await writeJsonAtomic(join(bundle, 'config.json'), ociSpec(argv, opts.cgroupsPath, env));
  const tarball = join(opts.dir, 'rootfs.tar');
  await runStep('packing the twin rootfs (tar)', 'tar', ['-C', rootfs, '-cf', tarball, '.']);
  return { bundle, tarball, argv, env, rootfs: await rootfsStats(rootfs) };
}

/** Regular files, those with an execute bit, and their bytes: the container's side of the attack surface. */
export async function rootfsStats(dir: string): Promise<RootfsStats> {
  const stats: RootfsStats = { bytes: 0, files: 0, executables: 0 };
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const st = await fsp.lstat(join(entry.parentPath, entry.name));
    stats.files += 1;
    stats.bytes += st.size;
    if (st.mode & 0o111) stats.executables += 1;
  }
  return stats;
}

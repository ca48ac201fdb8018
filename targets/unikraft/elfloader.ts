import { join } from 'node:path';
import { sha256 } from '../../lib/sha256.js';
import { packageRoot } from '../../lib/package-root.js';
import { renderTemplate } from '../../lib/templates.js';
import type { Devices } from '../../manifest/devices.js';
import { deviceKinds } from '../../manifest/devices.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { ContentLayout, Contents } from '../../programs/contents.js';
import type { ResolvedSource } from '../../sources/cache.js';
import { patchesIn } from '../source-patches.js';
import type { DriverSet, GeneratedFile, SourcePatch } from '../target.js';
import { unikraftDrivers } from './drivers.js';
import { unikraftPatches } from './patches.js';

/**
 * `program:` on Unikraft: app-elfloader (RELEASE-0.16.3) is the app, and the program with its loader, libraries
 * and `files` arrive in the cpio initrd that `files` already uses. The kernel holds nothing of the program, so
 * one kernel serves every program with the same device set: it is built once into the shared cache below, and
 * a changed program only repacks the initrd.
 */
export const ELFLOADER_SOURCES = ['app-elfloader', 'lib-libelf'] as const;

/** The build's name for the kernel (UK_NAME): the same for every program, so the defconfig is app-independent. */
export const ELFLOADER_NAME = 'elfloader';

/**
 * What app-elfloader's own qemu-x86_64-initrd defconfig turns on (the syscall shim, posix-process, vfscore come
 * through its Config.uk's selects), minus lwIP, and with 0.16.3's names for an initrd root: its
 * LIBVFSCORE_AUTOMOUNT_ROOTFS/ROOTFS_INITRD symbols are newer than 0.16.3, which mounts from `vfs.fstab=`
 * (unik's FILES set). ENV is always in, so whether a manifest has `env` never splits the kernel cache.
 */
const ELFLOADER: Record<string, string> = {
  LIBDEVFS: 'y',
  LIBPOSIX_EVENT: 'y',
  LIBPOSIX_FUTEX: 'y',
  LIBPOSIX_PROCESS_CLONE: 'y',
  LIBUKSIGNAL: 'y',
};

/** Pure: is this manifest an existing program to run under app-elfloader? */
export const isElfloaderApp = (manifest: Pick<Manifest, 'program'>): boolean => manifest.program !== undefined;

/**
 * Pure: the elfloader kernel's Kconfig and sources. Console only: a program's network or disk would run through
 * app-elfloader's syscall shim into lwIP or vfscore, which unik has not checked on 0.16.3, so they are refused.
 */
export function elfloaderDrivers(devices: Devices, manifest: Pick<Manifest, 'manifestPath' | 'libc'>): DriverSet {
  // The program brings its own C library (in its binary or the initrd); the kernel's is app-elfloader's business.
  if (manifest.libc) throw manifestError(manifest.manifestPath, 'libc', 'no libc key for a program (it brings its own C library)', JSON.stringify(manifest.libc));
  const kinds = deviceKinds(devices).filter((k) => k !== 'console');
  if (kinds.length) {
    throw manifestError(manifest.manifestPath, 'devices', 'no devices for a program on target unikraft (app-elfloader images are console-only; files come in the initrd)', kinds.join(', '));
  }
  const base = unikraftDrivers(devices, { files: true, env: true });
  return { settings: { ...base.settings, ...ELFLOADER }, requires: [...base.requires, ...ELFLOADER_SOURCES] };
}

/** Pure: the elfloader kernel's defconfig (the only generated file: the app is app-elfloader itself). */
export function renderElfloader(drivers: DriverSet): GeneratedFile[] {
  return [{ path: 'defconfig', content: renderTemplate('unikraft', 'defconfig', { name: ELFLOADER_NAME, settings: drivers.settings }) }];
}

/** unik's patches for app-elfloader kernels only, on top of the Unikraft ones every image gets. */
export const ELFLOADER_PATCH_DIR = join(packageRoot(), 'targets', 'unikraft', 'elfloader-patches');

export const elfloaderPatches = (): SourcePatch[] => [...unikraftPatches(), ...patchesIn('unikraft', ELFLOADER_PATCH_DIR)];

const ET_DYN = 3;

/**
 * Pure: app-elfloader loads position-independent executables only (ELF ET_DYN: elf_load.c refuses the rest at
 * boot with "ELF executable is not position-independent!"), so a dynamic non-PIE is refused at build time.
 */
export function checkElfloaderProgram(manifest: Pick<Manifest, 'manifestPath' | 'program'>, contents: Contents | null): void {
  const program = contents?.files.find((f) => f.role === 'program');
  const elf = contents?.objects.find((o) => o.guest === program?.guest)?.elf;
  if (elf && elf.type !== ET_DYN) {
    throw manifestError(manifest.manifestPath, 'program', 'a position-independent executable for target unikraft (app-elfloader loads only those: build it with -fPIE -pie or -static-pie)', `${JSON.stringify(manifest.program?.given)}, which is not one`);
  }
}

/** Pure: where the program goes in the guest (and argv[0]'s base name): /<name>, as on OSv. */
export const programGuestPath = (name: string): string => `/${name}`;

/**
 * Pure: nothing is supplied by the kernel. Libraries keep the host paths the loader found them at, and the
 * program's PT_INTERP loader goes at its own path: glibc's ld.so, side-loaded by app-elfloader, then searches
 * its default directories, where those paths are.
 */
export const elfloaderLayout = (manifest: Pick<Manifest, 'name'>): ContentLayout => ({
  programGuest: programGuestPath(manifest.name),
  libraryDir: null,
  provided: new Set(),
  interpreter: true,
});

/**
 * Pure: the shared cache's key for one elfloader kernel: the sources' commits, the patches and the defconfig.
 * Not the program, its name or its files: those are the initrd's.
 */
export function elfloaderKernelKey(sources: Pick<ResolvedSource, 'name' | 'commit'>[], patches: Pick<SourcePatch, 'file' | 'sha256'>[], defconfig: string): string {
  const commits = Object.fromEntries([...sources].sort((a, b) => (a.name < b.name ? -1 : 1)).map((s) => [s.name, s.commit]));
  return sha256()
    .update(JSON.stringify({ commits, patches: patches.map((p) => `${p.file}:${p.sha256}`), defconfig }))
    .digest('hex')
    .slice(0, 16);
}

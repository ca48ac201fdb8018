import { extname, relative } from 'node:path';
import { renderTemplate } from '../../lib/templates.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { DriverSet, GeneratedFile } from '../target.js';
import { guestPath } from './boot.js';
import { kernelMakeArgs, osvFs, type OsvFs } from './drivers.js';

/** The app file in the staging directory; fixed, so no user string reaches the manifest's host side. */
export const APP_FILE = 'app';

/**
 * How the app gets into the image: compiled from C by unik, one prebuilt Linux PIE / shared object, or an
 * existing program whose files (and libraries) come in as the build's contents.
 */
export type AppInput = { kind: 'compile'; sources: string[] } | { kind: 'prebuilt'; file: string } | { kind: 'program' };

/** Pure: C sources (headers tracked, not compiled), or exactly one other file taken as a prebuilt binary. */
export function appInput(manifest: Manifest): AppInput {
  if (manifest.program) return { kind: 'program' };
  const c = manifest.sources.filter((s) => extname(s) === '.c');
  const other = manifest.sources.filter((s) => !['.c', '.h'].includes(extname(s)));
  if (c.length && !other.length) return { kind: 'compile', sources: c };
  if (!c.length && other.length === 1) return { kind: 'prebuilt', file: other[0]! };
  const found = manifest.sources.map((s) => relative(manifest.appDir, s));
  throw manifestError(manifest.manifestPath, 'sources', 'C files (.c/.h) or exactly one prebuilt Linux PIE or shared object for target osv', JSON.stringify(found));
}

/**
 * Where OSv's make runs mkbootfs.py (the kernel's out directory) for ramfs, the staging directory is linked
 * under this name, so the manifest stays free of host paths.
 */
export const RAMFS_STAGE_LINK = 'unik-app';

/**
 * Pure: the app's usr.manifest: the rofs contents, or for ramfs the kernel's bootfs. The kernel's make
 * arguments ride along as a comment, so they are part of the image's cache key.
 */
export function renderOsv(manifest: Manifest, drivers: DriverSet): GeneratedFile[] {
  const input = appInput(manifest);
  const fs = osvFs(manifest.fs);
  const data = {
    manifestFile: 'unik.yaml',
    kernelArgs: kernelMakeArgs(drivers).join(' '),
    fs,
    // gen-rofs-img.py runs in the staging directory; mkbootfs.py in the kernel's out directory.
    hostDir: fs === 'ramfs' ? `${RAMFS_STAGE_LINK}/` : '',
    // The ramfs root is the bootfs itself: OSv's plain fstab, whose "/" entry it skips for --rootfs=ramfs.
    fstab: fs === 'ramfs' ? 'fstab' : 'fstab_rofs',
    guestPath: guestPath(manifest.name),
    // A program comes in with the contents (contentManifest), with the libgcc_s it needs, if any.
    appFile: input.kind === 'program' ? null : APP_FILE,
    forkUnused: manifest.forkUnused,
    unresolved: manifest.unresolved.join(' '),
  };
  return [{ path: 'usr.manifest', content: renderTemplate('osv', 'usr.manifest', data) }];
}

/** Where the build links each content file in the staging directory: by index, so no host name reaches the manifest. */
export const CONTENT_DIR = 'content';

/**
 * Pure: usr.manifest lines for a program image's contents, and the staging links they name (link → host path).
 * Guest paths were checked against one plain alphabet (manifest/, programs/contents.ts).
 */
export function contentManifest(files: { guest: string; host: string }[], fs: OsvFs): { lines: string; links: Record<string, string> } {
  const hostDir = fs === 'ramfs' ? `${RAMFS_STAGE_LINK}/` : '';
  const links: Record<string, string> = {};
  const lines = files.map((f, i) => {
    links[`${CONTENT_DIR}/${i}`] = f.host;
    return `${f.guest}: ${hostDir}${CONTENT_DIR}/${i}\n`;
  });
  return { lines: lines.join(''), links };
}

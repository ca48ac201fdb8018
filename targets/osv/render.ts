import { extname, relative } from 'node:path';
import { usageError } from '../../lib/errors.js';
import { renderTemplate } from '../../lib/templates.js';
import type { Manifest } from '../manifest.js';
import type { DriverSet, GeneratedFile } from '../target.js';
import { guestPath } from './boot.js';
import { kernelMakeArgs } from './drivers.js';

/** The app file in the staging directory; fixed, so no user string reaches the manifest's host side. */
export const APP_FILE = 'app';

/** How the app gets into the image: compiled from C by unik, or one prebuilt Linux PIE / shared object. */
export type AppInput = { kind: 'compile'; sources: string[] } | { kind: 'prebuilt'; file: string };

/** Pure: C sources (headers tracked, not compiled), or exactly one other file taken as a prebuilt binary. */
export function appInput(manifest: Manifest): AppInput {
  const c = manifest.sources.filter((s) => extname(s) === '.c');
  const other = manifest.sources.filter((s) => !['.c', '.h'].includes(extname(s)));
  if (c.length && !other.length) return { kind: 'compile', sources: c };
  if (!c.length && other.length === 1) return { kind: 'prebuilt', file: other[0]! };
  const found = manifest.sources.map((s) => relative(manifest.appDir, s));
  throw usageError(`unik.yaml: sources: expected C files (.c/.h) or exactly one prebuilt Linux PIE or shared object for target osv, found ${JSON.stringify(found)}`);
}

/** Pure: the app's usr.manifest (the rofs contents). The kernel's make arguments ride along as a comment. */
export function renderOsv(manifest: Manifest, drivers: DriverSet): GeneratedFile[] {
  appInput(manifest);
  const data = {
    manifestFile: 'unik.yaml',
    kernelArgs: kernelMakeArgs(drivers).join(' '),
    guestPath: guestPath(manifest.name),
    appFile: APP_FILE,
  };
  return [{ path: 'usr.manifest', content: renderTemplate('osv', 'usr.manifest', data) }];
}
